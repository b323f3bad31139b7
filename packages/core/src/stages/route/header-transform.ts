/** Header edits as the config writes them. */
export interface HeaderTransformConfig {
  readonly set?: Readonly<Record<string, string>> | undefined
  readonly add?: Readonly<Record<string, string>> | undefined
  readonly remove?: readonly string[] | undefined
  readonly rename?: Readonly<Record<string, string>> | undefined
}

/** Applies compiled header edits to a `Headers` object. */
export type HeaderTransform = (headers: Headers) => void

const lowerEntries = (record: Readonly<Record<string, string>> | undefined) =>
  Object.entries(record ?? {}).map(([name, value]) => [name.toLowerCase(), value] as const)

/**
 * Checks header edits: every name and value must be one `Headers` accepts (no CR/LF). Returns the
 * problems as `[subPath, message]`.
 */
export function headerTransformProblems(config: HeaderTransformConfig): [string, string][] {
  const problems: [string, string][] = []
  const probe = new Headers()
  const check = (path: string, name: string, value: string) => {
    try {
      probe.set(name, value)
    } catch {
      problems.push([path, 'is not a valid header name and value'])
    }
  }
  for (const [name, value] of Object.entries(config.set ?? {})) check(`set.${name}`, name, value)
  for (const [name, value] of Object.entries(config.add ?? {})) check(`add.${name}`, name, value)
  for (const [from, to] of Object.entries(config.rename ?? {})) check(`rename.${from}`, to, 'x')
  return problems
}

/** Compiles header edits, applied in the order remove, rename, set, add; `undefined` when there are none. */
export function compileHeaderTransform(config: HeaderTransformConfig | undefined): HeaderTransform | undefined {
  if (config === undefined) return undefined
  const remove = (config.remove ?? []).map((name) => name.toLowerCase())
  const rename = lowerEntries(config.rename)
  const set = lowerEntries(config.set)
  const add = lowerEntries(config.add)
  if (remove.length + rename.length + set.length + add.length === 0) return undefined
  return (headers) => {
    for (const name of remove) headers.delete(name)
    for (const [from, to] of rename) {
      const values = from === 'set-cookie' ? headers.getSetCookie() : [headers.get(from)]
      if (values[0] === null || values.length === 0) continue
      headers.delete(from)
      headers.delete(to)
      for (const value of values) if (value !== null) headers.append(to, value)
    }
    for (const [name, value] of set) headers.set(name, value)
    for (const [name, value] of add) headers.append(name, value)
  }
}
