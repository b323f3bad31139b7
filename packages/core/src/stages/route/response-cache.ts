import { sha256Hex } from '../../crypto/sha256'
import type { Clock } from '../../engine/clock'
import type { GatewayContext } from '../../engine/context'
import { concatChunks } from '../../request/body'
import { freshnessMs, varyNames } from './cache-policy'
import type { CachedResponse, CacheStorage } from './cache-storage'

/** A route's cache settings. */
export interface RouteCachePolicy {
  /** Freshness of responses without `max-age` / `s-maxage`. */
  readonly ttlMs: number
  /** Whether consumers of an authenticated route share entries. */
  readonly public: boolean
}

/** The bounds and storage of the response cache. */
export interface ResponseCacheOptions {
  readonly storage: CacheStorage
  readonly maxEntryBytes: number
  readonly clock: Clock
}

// A resource keeps at most this many variants (Vary); the oldest goes first.
const maxVariants = 8

/** The response cache of routes: keys, lookups with `Vary`, and capture of responses as they stream. */
export class ResponseCache {
  readonly #options: ResponseCacheOptions

  constructor(options: ResponseCacheOptions) {
    this.#options = options
  }

  /**
   * The cache key of a request, or `undefined` when the request must not use the cache. Entries of an
   * authenticated route are per consumer unless the route is public; a request carrying credentials
   * the gateway did not check (its `Authorization` or `Cookie` are the app's) is never cached.
   */
  async keyFor(
    ctx: GatewayContext,
    route: string,
    target: string,
    policy: RouteCachePolicy,
  ): Promise<string | undefined> {
    const { principal, request } = ctx
    const identified = principal !== undefined && principal.credential !== 'anonymous'
    if (!identified && !policy.public && (request.headers.has('authorization') || request.headers.has('cookie')))
      return undefined
    const consumer = identified && !policy.public ? principal.consumer : ''
    const host = request.headers.get('host') ?? ''
    return sha256Hex(`${route}\n${host.toLowerCase()}\n${target}\n${consumer}`)
  }

  /** A fresh cached response for the request, marked `X-Cache: HIT`, or `undefined`. */
  async lookup(key: string, ctx: GatewayContext): Promise<Response | undefined> {
    const variants = await this.#options.storage.get(key)
    if (variants === undefined) return undefined
    const now = this.#options.clock.now()
    const hit = variants.find((variant) => variant.expiresAt > now && varyMatches(variant, ctx))
    if (hit === undefined) return undefined
    const headers = new Headers()
    for (const [name, value] of hit.headers) headers.append(name, value)
    headers.set('age', String(Math.max(0, Math.floor((now - hit.storedAt) / 1000))))
    headers.set('x-cache', 'HIT')
    const body = ctx.request.method === 'HEAD' || nullBodyStatus(hit.status) ? null : hit.body
    return new Response(body as BodyInit | null, { status: hit.status, headers })
  }

  /**
   * Stores the response as its body streams to the client, when it may be kept: the returned body
   * copies the chunks (up to the entry bound) and stores them once the body ends.
   */
  capture(
    key: string,
    ctx: GatewayContext,
    response: { status: number; headers: Headers; body: ReadableStream<Uint8Array> | null },
    policy: RouteCachePolicy,
  ): ReadableStream<Uint8Array> | null {
    const ttlMs = freshnessMs(response, policy.ttlMs)
    if (ttlMs === undefined || ctx.request.method !== 'GET') return response.body
    const vary: Record<string, string | null> = {}
    for (const name of varyNames(response.headers)) vary[name] = ctx.request.headers.get(name)
    const headers = [...response.headers].filter(([name]) => name !== 'x-cache' && name !== 'age')
    const { maxEntryBytes, clock } = this.#options
    const save = (body: Uint8Array) => {
      const now = clock.now()
      const entry: CachedResponse = {
        status: response.status,
        headers,
        body,
        storedAt: now,
        expiresAt: now + ttlMs,
        vary,
      }
      void this.#add(key, entry, ttlMs).catch(() => {})
    }
    if (response.body === null) {
      save(new Uint8Array(0))
      return null
    }
    const chunks: Uint8Array[] = []
    let total = 0
    return response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (total <= maxEntryBytes) {
            total += chunk.byteLength
            if (total <= maxEntryBytes) chunks.push(chunk)
          }
          controller.enqueue(chunk)
        },
        flush() {
          if (total <= maxEntryBytes) save(concatChunks(chunks, total))
        },
      }),
    )
  }

  async #add(key: string, entry: CachedResponse, ttlMs: number): Promise<void> {
    const { storage, clock } = this.#options
    const now = clock.now()
    const kept = ((await storage.get(key)) ?? []).filter(
      (variant) => variant.expiresAt > now && !sameVariant(variant, entry),
    )
    const variants = [entry, ...kept].slice(0, maxVariants)
    const longest = Math.max(ttlMs, ...variants.map((variant) => variant.expiresAt - now))
    await storage.set(key, variants, longest)
  }
}

const varyMatches = (variant: CachedResponse, ctx: GatewayContext) =>
  Object.entries(variant.vary).every(([name, value]) => ctx.request.headers.get(name) === value)

const sameVariant = (a: CachedResponse, b: CachedResponse) => {
  const names = Object.keys(b.vary)
  return names.length === Object.keys(a.vary).length && names.every((name) => a.vary[name] === b.vary[name])
}

/** Statuses whose responses have no body. */
export const nullBodyStatus = (status: number) => status === 204 || status === 205 || status === 304
