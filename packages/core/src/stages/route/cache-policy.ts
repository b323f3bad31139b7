// Statuses a shared cache may keep without explicit freshness (RFC 9110 §15.1 "heuristically cacheable").
const cacheableStatuses = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501])

/** The `Cache-Control` directives the cache acts on. */
export interface CacheDirectives {
  readonly noStore: boolean
  readonly noCache: boolean
  readonly private: boolean
  readonly public: boolean
  /** `s-maxage`, else `max-age`, in seconds. */
  readonly maxAgeSeconds: number | undefined
}

/** Parses the directives the cache acts on from a `Cache-Control` header. */
export function parseCacheControl(header: string | null): CacheDirectives {
  let noStore = false
  let noCache = false
  let isPrivate = false
  let isPublic = false
  let maxAge: number | undefined
  let sharedMaxAge: number | undefined
  for (const part of (header ?? '').split(',')) {
    const [rawName = '', rawValue] = part.split('=', 2)
    const name = rawName.trim().toLowerCase()
    const value = rawValue?.trim().replace(/^"|"$/g, '')
    const seconds = value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined
    if (name === 'no-store') noStore = true
    else if (name === 'no-cache') noCache = true
    else if (name === 'private') isPrivate = true
    else if (name === 'public') isPublic = true
    else if (name === 'max-age') maxAge = seconds ?? 0
    else if (name === 's-maxage') sharedMaxAge = seconds ?? 0
  }
  return { noStore, noCache, private: isPrivate, public: isPublic, maxAgeSeconds: sharedMaxAge ?? maxAge }
}

/** What the cache needs to know about a response to decide whether (and how long) to keep it. */
export interface StorableResponse {
  readonly status: number
  readonly headers: Headers
}

/**
 * How long a shared cache may keep a response, in ms, or `undefined` when it must not: never with
 * `no-store`, `private`, `no-cache` (it would have to revalidate every time), `Set-Cookie` or
 * `Vary: *`; `s-maxage` then `max-age` decide; without them, `fallbackTtlMs`.
 */
export function freshnessMs(response: StorableResponse, fallbackTtlMs: number): number | undefined {
  if (!cacheableStatuses.has(response.status)) return undefined
  const { headers } = response
  if (headers.has('set-cookie')) return undefined
  if ((headers.get('vary') ?? '').includes('*')) return undefined
  const directives = parseCacheControl(headers.get('cache-control'))
  if (directives.noStore || directives.private || directives.noCache) return undefined
  const ttl = directives.maxAgeSeconds === undefined ? fallbackTtlMs : directives.maxAgeSeconds * 1000
  return ttl > 0 ? ttl : undefined
}

/** The request header names a response varies on, lowercase. */
export function varyNames(headers: Headers): string[] {
  const vary = headers.get('vary')
  if (vary === null) return []
  return vary
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '')
}
