import type { RoutePattern } from '../../matching/route-pattern'
import { encodeSegment } from '../../request/canonical-path'

/** How a route turns the canonical path into the path it sends on. */
export interface PathRewriteOptions {
  readonly stripPrefix?: string | undefined
  readonly addPrefix?: string | undefined
  /** A template with `{param}` and `{**}` from the route's match. */
  readonly rewrite?: string | undefined
}

/** Builds the onward path of a request, percent-encoded, from its canonical path and encoded form. */
export type PathRewriter = (path: string, encodedPath: string) => string

const segmentsOf = (path: string) => path.split('/').filter((segment) => segment !== '')

/**
 * One decoded value as one encoded segment: `/` and every control character are encoded, and a
 * value of `.` or `..` is encoded too, so no parameter can add a segment or climb out of the path.
 */
export function encodeParameter(value: string): string {
  if (value === '.' || value === '..') return value.replaceAll('.', '%2E')
  return encodeSegment(value)
}

/** The `{name}` placeholders of a rewrite template, `**` included. */
export function templateParameters(template: string): string[] {
  return [...template.matchAll(/\{(\*\*|[A-Za-z_][A-Za-z0-9_]*)\}/g)].map((found) => found[1] as string)
}

const joinPaths = (prefix: string, path: string) => {
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
  return path === '/' && base !== '' ? base : `${base}${path}`
}

/**
 * Compiles a route's path edits: a rewrite template, or strip / add prefix. Prefixes compare whole
 * segments on the canonical path (`/api` strips `/api/x`, not `/apix`); every segment is re-encoded.
 */
export function compilePathRewrite(pattern: RoutePattern, options: PathRewriteOptions): PathRewriter {
  const { rewrite, stripPrefix, addPrefix } = options
  if (rewrite !== undefined) {
    const parts = rewrite.split(/(\{\*\*\}|\{[A-Za-z_][A-Za-z0-9_]*\})/)
    return (path) => {
      const capture = pattern.capture(path)
      if (capture === undefined) return rewrite
      let result = ''
      for (const part of parts) {
        if (part === '{**}') result += segmentsOf(capture.rest).map(encodeParameter).join('/')
        else if (part.startsWith('{') && part.endsWith('}'))
          result += encodeParameter(capture.params[part.slice(1, -1)] ?? '')
        else result += part
      }
      // An empty `{**}` at the end leaves a slash the upstream did not ask for.
      return result.length > 1 && result.endsWith('/') && !rewrite.endsWith('/') ? result.slice(0, -1) : result
    }
  }
  if (stripPrefix === undefined && addPrefix === undefined) return (_path, encodedPath) => encodedPath
  const strip = stripPrefix === undefined ? [] : segmentsOf(stripPrefix)
  const add = addPrefix === undefined ? '' : `/${segmentsOf(addPrefix).map(encodeSegment).join('/')}`
  return (path) => {
    let segments = segmentsOf(path)
    if (strip.length > 0 && strip.every((segment, index) => segments[index] === segment))
      segments = segments.slice(strip.length)
    const trailing = path.length > 1 && path.endsWith('/') && segments.length > 0 ? '/' : ''
    const rest = `/${segments.map(encodeSegment).join('/')}${trailing}`
    return add === '' || add === '/' ? rest : joinPaths(add, rest)
  }
}
