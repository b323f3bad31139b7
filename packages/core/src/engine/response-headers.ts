/**
 * Headers the gateway adds to a response, whoever answers it (`RateLimit`, the request id). The
 * methods a stage needs from a WHATWG `Headers`, without its cost: undici's `Headers` validates,
 * sorts and joins on every call, which cost a limited request ~2.5 µs for its four limit fields.
 */
export interface ResponseHeaders {
  /** The value, several joined by `, ` (as `Headers.get`); `null` when absent. */
  get(name: string): string | null
  has(name: string): boolean
  /** Replaces every value of the name. */
  set(name: string, value: string): void
  /** Adds a value: list fields join with `, `; `set-cookie` stays one field per value. */
  append(name: string, value: string): void
  delete(name: string): void
  /** `[name, value]` pairs, names lower-case, in the order first added; each name once except `set-cookie`. */
  [Symbol.iterator](): IterableIterator<[string, string]>
}

const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const forbiddenValueCharacters = /[\r\n\0]/

// Names already checked: a handful (the limit fields, a stage's own) come back on every request.
const checkedNames = new Set<string>()
const maxCheckedNames = 256

/** Checks a field as `Headers` would refuse it: a stage's mistake fails in the stage, not when written. */
function checked(name: string, value: string): string {
  if (!checkedNames.has(name)) {
    if (!tokenPattern.test(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`)
    if (checkedNames.size < maxCheckedNames) checkedNames.add(name)
  }
  if (forbiddenValueCharacters.test(value))
    throw new TypeError(`Invalid value for the ${name} header: it holds CR, LF or NUL`)
  return name.toLowerCase()
}

/** The engine's {@link ResponseHeaders}: values per lower-case name, in insertion order. */
export class ResponseHeaderFields implements ResponseHeaders {
  readonly #fields = new Map<string, string[]>()

  get(name: string): string | null {
    return this.#fields.get(name.toLowerCase())?.join(', ') ?? null
  }

  has(name: string): boolean {
    return this.#fields.has(name.toLowerCase())
  }

  set(name: string, value: string): void {
    this.#fields.set(checked(name, value), [value.trim()])
  }

  append(name: string, value: string): void {
    const lower = checked(name, value)
    const values = this.#fields.get(lower)
    if (values === undefined) this.#fields.set(lower, [value.trim()])
    else values.push(value.trim())
  }

  delete(name: string): void {
    this.#fields.delete(name.toLowerCase())
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const [name, values] of this.#fields) {
      if (name === 'set-cookie') for (const value of values) yield [name, value]
      else yield [name, values.length === 1 ? (values[0] as string) : values.join(', ')]
    }
  }
}
