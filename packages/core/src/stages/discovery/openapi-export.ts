import { EndpointStats, isJsonMediaType } from './endpoint-stats'

/** An endpoint: its method and path template (`/hotels/{var1}/dates`). */
export interface EndpointKey {
  readonly method: string
  readonly template: string
}

/** An endpoint discovery learned about, with what it learned. */
export interface DiscoveredEndpoint extends EndpointKey {
  readonly stats: EndpointStats
  /** Schemas of path parameters where there is evidence (by name); the others are strings. */
  readonly pathParameters?: Readonly<Record<string, Record<string, unknown>>>
}

/** The exported document's `info`. */
export interface ExportInfo {
  readonly title?: string
  readonly version?: string
}

/** Discovered endpoints compared with documented ones. */
export interface EndpointDiff {
  /** Discovered but not documented. */
  readonly shadow: EndpointKey[]
  /** Documented but never discovered. */
  readonly zombie: EndpointKey[]
  /** Discovered and documented; `documented` is the document's template. */
  readonly matched: (EndpointKey & { readonly documented: string })[]
}

// The operations a path item can hold; another method (PROPFIND, QUERY) has no place in OpenAPI 3.1.
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

const PARAMETER = /\{([^{}]*)\}/g

/** A template with its parameters' names blanked: `/a/{id}` and `/a/{var1}` are the same path. */
export function templateKey(template: string): string {
  return template.replace(PARAMETER, '{}')
}

const endpointKey = (endpoint: EndpointKey): string =>
  `${endpoint.method.toUpperCase()} ${templateKey(endpoint.template)}`

/**
 * The OpenAPI 3.1.0 document of the discovered endpoints: per operation its path parameters, the
 * query parameters and JSON request body learned, a response per status class seen (`2XX`), and
 * an `x-portcullis` extension with the traffic numbers. Endpoints whose templates differ only in
 * parameter names share the first one's path (OpenAPI forbids both), and the same method there
 * has its statistics merged. Methods OpenAPI cannot hold, and templates not starting with `/`,
 * are listed in the root `x-portcullis.skipped`. Only learned types and names appear, no values.
 */
export function exportOpenApi(
  endpoints: readonly DiscoveredEndpoint[],
  info: ExportInfo = {},
): Record<string, unknown> {
  const paths = new Map<string, { template: string; operations: Map<string, DiscoveredEndpoint> }>()
  const skipped: EndpointKey[] = []
  for (const endpoint of endpoints) {
    const method = endpoint.method.toLowerCase()
    if (!METHODS.includes(method) || !endpoint.template.startsWith('/')) {
      skipped.push({ method: endpoint.method, template: endpoint.template })
      continue
    }
    const key = templateKey(endpoint.template)
    let path = paths.get(key)
    if (path === undefined) {
      path = { template: endpoint.template, operations: new Map() }
      paths.set(key, path)
    }
    const known = path.operations.get(method)
    // Merged into a copy: the caller's statistics stay as they are.
    const stats =
      known === undefined ? endpoint.stats : EndpointStats.fromJSON(known.stats.toJSON()).merge(endpoint.stats)
    path.operations.set(method, { ...(known ?? endpoint), stats })
  }
  const sorted = [...paths.values()].sort((a, b) => (a.template < b.template ? -1 : a.template > b.template ? 1 : 0))
  return {
    openapi: '3.1.0',
    info: { title: info.title ?? 'Discovered API', version: info.version ?? '0.0.0' },
    paths: Object.fromEntries(
      sorted.map(({ template, operations }) => [
        template,
        Object.fromEntries(
          METHODS.flatMap((method) => {
            const endpoint = operations.get(method)
            return endpoint === undefined ? [] : [[method, operationOf(template, endpoint)]]
          }),
        ),
      ]),
    ),
    'x-portcullis': { discovered: true, ...(skipped.length > 0 ? { skipped } : {}) },
  }
}

function operationOf(template: string, endpoint: DiscoveredEndpoint): Record<string, unknown> {
  const { stats } = endpoint
  const names = [...new Set([...template.matchAll(PARAMETER)].map((match) => match[1] ?? ''))]
  const parameters = [
    ...names.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: endpoint.pathParameters?.[name] ?? { type: 'string' },
    })),
    ...stats.query.parameters().map(({ name, required, schema }) => ({ name, in: 'query', required, schema })),
  ]
  const statuses = Object.entries(stats.statuses())
  const responses =
    statuses.length === 0
      ? { default: { description: 'No response observed' } }
      : Object.fromEntries(
          statuses.map(([statusClass]) => [statusClass.toUpperCase(), { description: `${statusClass} response` }]),
        )
  return {
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(stats.bodies > 0 ? { requestBody: requestBodyOf(stats) } : {}),
    responses,
    'x-portcullis': {
      requests: stats.requests,
      ...(stats.firstSeen === undefined ? {} : { firstSeen: stats.firstSeen, lastSeen: stats.lastSeen }),
      statuses: stats.statuses(),
      latency: stats.latency(),
      sessions: stats.sessions,
      bodies: stats.bodies,
      // Query names past the cap, or looking like data, were seen but are not listed.
      ...(stats.query.open ? { unlistedQueryParameters: true } : {}),
    },
  }
}

function requestBodyOf(stats: EndpointStats): Record<string, unknown> {
  const mediaTypes = Object.keys(stats.mediaTypes())
  const content = Object.fromEntries(
    mediaTypes.map((mediaType) => [mediaType, isJsonMediaType(mediaType) ? { schema: stats.body.toSchema() } : {}]),
  )
  // A body came without a (well-formed) Content-Type: the document still says one may come.
  if (mediaTypes.length === 0) content['*/*'] = {}
  return { required: stats.bodies === stats.requests, content }
}

/** Whether a documented template covers a discovered one: `{id}` in the document stands for `me`. */
function covers(documented: string, discovered: string): boolean {
  const [theirs, ours] = [templateKey(documented).split('/'), templateKey(discovered).split('/')]
  return theirs.length === ours.length && theirs.every((segment, i) => segment === ours[i] || segment === '{}')
}

const literalSegments = (template: string): number =>
  templateKey(template)
    .split('/')
    .filter((segment) => segment !== '{}').length

/**
 * Compares discovered endpoints with a document's. Templates are equal modulo parameter names
 * (`/a/{id}` is `/a/{var1}`), methods modulo case; a discovered literal segment is also covered
 * by a documented parameter (`/users/me` by `/users/{id}`, the most literal such template
 * chosen). Paths are otherwise compared as given: strip a server's base path first.
 */
export function diffAgainstDocument(
  discovered: readonly EndpointKey[],
  documented: readonly EndpointKey[],
): EndpointDiff {
  const byKey = new Map<string, EndpointKey>()
  for (const endpoint of documented) if (!byKey.has(endpointKey(endpoint))) byKey.set(endpointKey(endpoint), endpoint)
  const used = new Set<string>()
  const seen = new Set<string>()
  const shadow: EndpointKey[] = []
  const matched: EndpointDiff['matched'] = []
  for (const endpoint of discovered) {
    const key = endpointKey(endpoint)
    if (seen.has(key)) continue
    seen.add(key)
    const found =
      byKey.get(key) ??
      [...byKey.values()]
        .filter((doc) => doc.method.toUpperCase() === endpoint.method.toUpperCase())
        .filter((doc) => covers(doc.template, endpoint.template))
        .sort((a, b) => literalSegments(b.template) - literalSegments(a.template))[0]
    const { method, template } = endpoint
    if (found === undefined) shadow.push({ method, template })
    else {
      used.add(endpointKey(found))
      matched.push({ method, template, documented: found.template })
    }
  }
  const zombie = [...byKey].flatMap(([key, { method, template }]) => (used.has(key) ? [] : [{ method, template }]))
  return { shadow, zombie, matched }
}
