const MAX_FORM_PAIRS = 1000

/** Decodes one raw (percent-encoded) text; undefined when it does not decode. */
export type Decoder = (raw: string) => string | undefined
// decodeURIComponent refuses both malformed escapes and bytes that are not UTF-8.
/** Decodes percent-escapes as UTF-8. */
export const percentDecode: Decoder = (raw) => {
  try {
    return decodeURIComponent(raw)
  } catch {
    return undefined
  }
}
/** Decodes a form-encoded text: `+` is a space, then percent-escapes. */
export const formDecode: Decoder = (raw) => percentDecode(raw.replaceAll('+', ' '))
/** Splits `text` at the first `sep`; the second part is `''` when there is none. */
export const splitOnce = (text: string, sep: string): [string, string] => {
  const at = text.indexOf(sep)
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + sep.length)]
}

/** The `name=value` pairs of a query string or form body (the first 1000): names decoded, values still raw. */
export class FormPairs {
  readonly #values = new Map<string, string[]>()
  /** Names some reader has taken, so a form body can tell its undeclared fields. */
  readonly used = new Set<string>()

  constructor(text: string) {
    let start = 0
    for (let count = 0; count < MAX_FORM_PAIRS && start <= text.length; count++) {
      const amp = text.indexOf('&', start)
      const end = amp === -1 ? text.length : amp
      const [rawName, rawValue] = splitOnce(text.slice(start, end), '=')
      start = end + 1
      // A name that does not decode cannot be any parameter's: skipped, like unknown parameters.
      const name = rawName === '' ? undefined : formDecode(rawName)
      if (name === undefined) continue
      const list = this.#values.get(name)
      if (list === undefined) this.#values.set(name, [rawValue])
      else list.push(rawValue)
    }
  }

  /** The raw values given for `name`, in order (none when absent), marking the name used. */
  take(name: string): readonly string[] {
    this.used.add(name)
    return this.#values.get(name) ?? []
  }

  /** Every name present, in first-seen order. */
  names(): string[] {
    return [...this.#values.keys()]
  }
}
