/**
 * JSON pointers (RFC 6901) in their `#/a/b` fragment form, and the local `$ref` hops the loader
 * takes through a bundled document.
 */

/** A JSON object: not null, not an array. */
export type JsonObject = Record<string, unknown>

/** The value as a JSON object, or `undefined` for anything else (arrays included). */
export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined
}

/** Appends reference tokens to a pointer, escaping `~` and `/` as RFC 6901 asks. */
export function appendPointer(pointer: string, ...tokens: readonly (string | number)[]): string {
  let result = pointer
  for (const token of tokens) result += `/${String(token).replaceAll('~', '~0').replaceAll('/', '~1')}`
  return result
}

/**
 * The tokens of a local `$ref` (`#/components/schemas/Pet`), or `undefined` when it is not a
 * JSON pointer fragment (another file, an anchor). A `$ref` is a URI, so tokens are
 * percent-decoded too; a bare `%` is kept as written, as the parser does.
 */
export function localRefTokens(ref: string): string[] | undefined {
  if (ref === '#') return []
  if (!ref.startsWith('#/')) return undefined
  return ref
    .slice(2)
    .split('/')
    .map((token) => safeDecode(token).replaceAll('~1', '/').replaceAll('~0', '~'))
}

function safeDecode(token: string): string {
  try {
    return decodeURIComponent(token)
  } catch {
    return token
  }
}

/** The child of an object or array by token, if it exists. */
function childOf(node: unknown, token: string): { found: true; value: unknown } | { found: false } {
  if (Array.isArray(node)) {
    const index = /^(0|[1-9]\d*)$/.test(token) ? Number(token) : -1
    return index >= 0 && index < node.length ? { found: true, value: node[index] } : { found: false }
  }
  const object = asObject(node)
  return object !== undefined && Object.hasOwn(object, token) ? { found: true, value: object[token] } : { found: false }
}

/** A value of the bundled document and the pointer it lives at. */
export interface Located {
  readonly value: unknown
  readonly pointer: string
}

/** How many `$ref` hops a lookup may take: a bound, so that a reference loop ends. */
const maxHops = 64

/**
 * Follows a chain of local `$ref`s from a node to the value it stands for. Returns `undefined`
 * when a `$ref` leads nowhere (or round in a circle); a node that is not a reference is returned
 * as it is.
 */
export function followRefs(root: unknown, node: Located, hops = 0): Located | undefined {
  let current = node
  for (let hop = hops; ; hop++) {
    const ref = asObject(current.value)?.$ref
    if (typeof ref !== 'string') return current
    const tokens = localRefTokens(ref)
    if (tokens === undefined || hop >= maxHops) return undefined
    const target = valueAt(root, tokens, hop + 1)
    if (target === undefined) return undefined
    current = target
  }
}

/**
 * One step down from a node, by a token; when the node has no such member but is a `$ref`, the
 * step is taken from the value the reference stands for (JSON Reference lets a pointer run
 * through a referenced object).
 */
export function stepInto(root: unknown, node: Located, token: string, hops = 0): Located | undefined {
  let from = node
  let child = childOf(from.value, token)
  if (!child.found) {
    const target = followRefs(root, node, hops)
    if (target === undefined || target === node) return undefined
    from = target
    child = childOf(from.value, token)
    if (!child.found) return undefined
  }
  return { value: child.value, pointer: appendPointer(from.pointer, token) }
}

/** The value at a list of tokens, stepping through `$ref`s met on the way. */
export function valueAt(root: unknown, tokens: readonly string[], hops = 0): Located | undefined {
  let current: Located | undefined = { value: root, pointer: '#' }
  for (const token of tokens) {
    current = stepInto(root, current, token, hops)
    if (current === undefined) return undefined
  }
  return current
}
