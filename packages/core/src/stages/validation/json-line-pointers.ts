/**
 * Which value each line of `JSON.stringify(value, null, 2)` shows, as reference tokens: a line
 * holds the start of one value (`"key": …` or an array item) or the closing bracket of one.
 * The parser's validation errors quote that text by line number and nothing else, so this is
 * how they are turned back into places in the document.
 *
 * Only the wanted lines are recorded, and the walk stops once all are found.
 */
export function pointersAtLines(value: unknown, wanted: ReadonlySet<number>): Map<number, readonly string[]> {
  const found = new Map<number, readonly string[]>()
  let line = 1
  const note = (tokens: readonly string[]): void => {
    if (wanted.has(line)) found.set(line, tokens)
  }
  const visit = (node: unknown, tokens: readonly string[]): void => {
    note(tokens)
    const children = childrenOf(node)
    if (children.length === 0 || found.size === wanted.size) return
    for (const [key, child] of children) {
      line++
      visit(child, [...tokens, key])
      if (found.size === wanted.size) return
    }
    line++
    note(tokens)
  }
  visit(value, [])
  return found
}

/** The members JSON.stringify writes on lines of their own: none for a scalar or an empty container. */
function childrenOf(node: unknown): [string, unknown][] {
  const value =
    typeof (node as { toJSON?: unknown } | null)?.toJSON === 'function'
      ? (node as { toJSON(): unknown }).toJSON()
      : node
  if (typeof value !== 'object' || value === null) return []
  // An array keeps every slot (a function or undefined is written as null); an object drops such members.
  if (Array.isArray(value)) return value.map((child, index) => [String(index), child])
  return Object.entries(value).filter(([, child]) => !skipped(child))
}

function skipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol'
}
