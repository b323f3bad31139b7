import { appendPointer, asObject } from './document-pointer'
import type { OpenApiProblem } from './openapi-model'
import { shortMessage } from './parse-document-text'

/**
 * The base paths of a document's `servers`: the path part of each URL, with server variables
 * replaced by their defaults, without a trailing slash (`''` for the root), each once. A relative
 * URL (`/v1`) is relative to where the document is served, so it resolves against `documentUrl`
 * when the document came from a URL. No servers means one server at `/`, as OpenAPI says.
 */
export function serverBasePaths(
  root: Readonly<Record<string, unknown>>,
  documentUrl: string | undefined,
  file: string,
): { basePaths: string[]; problems: OpenApiProblem[] } {
  const servers = Array.isArray(root.servers) ? root.servers : []
  const basePaths = new Set<string>()
  const problems: OpenApiProblem[] = []
  servers.forEach((entry, index) => {
    const server = asObject(entry)
    if (server === undefined || typeof server.url !== 'string') return // the schema check reports it
    const pointer = appendPointer('#/servers', index, 'url')
    const variables = asObject(server.variables) ?? {}
    const missing: string[] = []
    const url = server.url.replace(/\{([^{}]*)\}/g, (_, name: string) => {
      const fallback = asObject(variables[name])?.default
      if (typeof fallback === 'string') return fallback
      missing.push(name)
      return ''
    })
    if (missing.length > 0) {
      problems.push({
        file,
        pointer,
        message: `uses {${missing.join('}, {')}}, which variables does not define with a default`,
      })
      return
    }
    const path = pathOf(url, documentUrl)
    if (path === undefined) problems.push({ file, pointer, message: `is not a valid URL: ${shortMessage(url)}` })
    else basePaths.add(path)
  })
  return { basePaths: basePaths.size > 0 ? [...basePaths] : [''], problems }
}

function pathOf(url: string, documentUrl: string | undefined): string | undefined {
  try {
    // Any base will do for a document read from a file: only the path of the result is used.
    const pathname = new URL(url, documentUrl ?? 'http://localhost/').pathname
    return pathname.replace(/\/+$/, '')
  } catch {
    return undefined
  }
}
