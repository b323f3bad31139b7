/**
 * A compiled route pattern: `"GET,POST /api/v1/hotels/**"`, `"/bookings/{id}"`, `"DELETE /admin/*"`.
 *
 * - The method list is optional (any method when absent); methods are matched in upper case, and
 *   `GET` covers `HEAD` too, as the frameworks route it (a rule on GET must not be dodged by HEAD).
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
  /**
   * What the path's variable parts matched, or `undefined` when it does not match: `{name}`
   * segments by name, and under `**` the segments a `**` matched (the last one, when there are several).
   */
  capture(path: string): PatternCapture | undefined
}

/** The parts of a canonical path a pattern's variables matched, decoded. */
export interface PatternCapture {
  /** The `{name}` segments. */
  readonly params: Readonly<Record<string, string>>
  /** The segments a `**` matched, without a leading slash (`""` when none). */
  readonly rest: string
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
  if (methods?.has('GET')) methods.add('HEAD')
  const path = stripTrailingSlash(space === -1 ? trimmed : trimmed.slice(space + 1).trim())
  let expression = ''
  let capturing = ''
  const names: string[] = []
  for (const segment of path.split('/').slice(1)) {
    if (segment === '**') {
      expression += '(?:/[^/]+)*'
      capturing += '((?:/[^/]+)*)'
      names.push('**')
    } else if (segment === '*') {
      expression += '/[^/]+'
      capturing += '/[^/]+'
    } else if (segment.startsWith('{')) {
      expression += '/[^/]+'
      capturing += '/([^/]+)'
      names.push(segment.slice(1, -1))
    } else {
      expression += `/${escapeRegExp(segment)}`
      capturing += `/${escapeRegExp(segment)}`
    }
  }
  const regex = new RegExp(`^${expression}$`)
  let captureRegex: RegExp | undefined
  const matchesPath = (candidate: string) => regex.test(stripTrailingSlash(candidate))
  return {
    source,
    methods,
    matchesPath,
    matches: (method, candidate) =>
      (methods === undefined || methods.has(method.toUpperCase())) && matchesPath(candidate),
    capture(candidate) {
      captureRegex ??= new RegExp(`^${capturing}$`)
      const found = captureRegex.exec(stripTrailingSlash(candidate))
      if (found === null) return undefined
      const params: Record<string, string> = {}
      let rest = ''
      names.forEach((name, index) => {
        const value = found[index + 1] ?? ''
        if (name === '**') rest = value.slice(1)
        else params[name] = value
      })
      return { params, rest }
    },
  }
}
