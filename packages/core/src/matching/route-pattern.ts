/**
 * A compiled route pattern: `"GET,POST /api/v1/hotels/**"`, `"/bookings/{id}"`, `"DELETE /admin/*"`.
 *
 * - The method list is optional (any method when absent); methods are matched in upper case.
 * - `*` and `{name}` stand for exactly one segment; `**` (a whole segment) for any number of
 *   segments, none included, so `/hotels/**` matches `/hotels` too.
 * - A trailing slash is ignored on both sides: `/hotels` and `/hotels/` are the same route.
 * - Matching is on the canonical, decoded path, and case-sensitive.
 */
export interface RoutePattern {
  /** The pattern as written. */
  readonly source: string
  /** The methods it applies to; `undefined` for any. */
  readonly methods: ReadonlySet<string> | undefined
  /** Whether a canonical path matches (methods aside). */
  matchesPath(path: string): boolean
  /** Whether a method and canonical path match. */
  matches(method: string, path: string): boolean
}

const methodToken = /^[A-Za-z]+$/
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Why a pattern is not valid, or `undefined` when it is. */
export function routePatternProblem(source: string): string | undefined {
  const trimmed = source.trim()
  const space = trimmed.indexOf(' ')
  const path = space === -1 ? trimmed : trimmed.slice(space + 1).trim()
  if (space !== -1) {
    const methods = trimmed.slice(0, space).split(',')
    if (methods.some((method) => !methodToken.test(method))) return 'has a method list that is not METHOD[,METHOD…]'
  }
  if (!path.startsWith('/')) return 'must be "[METHOD[,METHOD…]] /path", the path starting with "/"'
  for (const segment of path.split('/').slice(1)) {
    if (segment.includes('**') && segment !== '**') return 'uses "**" inside a segment; it must be a whole segment'
    if (/[{}]/.test(segment) && !/^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(segment))
      return 'has a "{param}" that is not a whole segment'
  }
  return undefined
}

// Both sides drop a trailing slash, the root included: "/" matches as "".
const stripTrailingSlash = (path: string) => (path.endsWith('/') ? path.slice(0, -1) : path)

/** Compiles a route pattern; call {@link routePatternProblem} first (the config validator does). */
export function compileRoutePattern(source: string): RoutePattern {
  const trimmed = source.trim()
  const space = trimmed.indexOf(' ')
  const methods =
    space === -1
      ? undefined
      : new Set(
          trimmed
            .slice(0, space)
            .split(',')
            .map((m) => m.toUpperCase()),
        )
  const path = stripTrailingSlash(space === -1 ? trimmed : trimmed.slice(space + 1).trim())
  let expression = ''
  for (const segment of path.split('/').slice(1)) {
    if (segment === '**') expression += '(?:/[^/]+)*'
    else if (segment === '*' || segment.startsWith('{')) expression += '/[^/]+'
    else expression += `/${escapeRegExp(segment)}`
  }
  const regex = new RegExp(`^${expression}$`)
  const matchesPath = (candidate: string) => regex.test(stripTrailingSlash(candidate))
  return {
    source,
    methods,
    matchesPath,
    matches: (method, candidate) =>
      (methods === undefined || methods.has(method.toUpperCase())) && matchesPath(candidate),
  }
}
