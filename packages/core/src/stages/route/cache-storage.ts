import { LRUCache } from 'lru-cache'
import type { Store } from '../../store/store'

/** One cached response, with the request header values it varies on. */
export interface CachedResponse {
  readonly status: number
  readonly headers: readonly (readonly [string, string])[]
  readonly body: Uint8Array
  /** Clock ms when it was stored. */
  readonly storedAt: number
  /** Clock ms when it goes stale. */
  readonly expiresAt: number
  /** The request's values of the headers the response varies on (`null` for absent). */
  readonly vary: Readonly<Record<string, string | null>>
}

/** Where cached responses live: a key holds the variants of one resource. */
export interface CacheStorage {
  get(key: string): Promise<readonly CachedResponse[] | undefined>
  set(key: string, variants: readonly CachedResponse[], ttlMs: number): Promise<void>
}

/** Bytes an entry takes, roughly: its body and headers. */
const sizeOf = (variants: readonly CachedResponse[]) =>
  variants.reduce(
    (sum, variant) =>
      sum + variant.body.byteLength + variant.headers.reduce((n, [name, value]) => n + name.length + value.length, 64),
    0,
  )

/** In-process storage, bounded by entries and bytes; the least recently used go first. */
export function memoryCacheStorage(maxEntries: number, maxBytes: number): CacheStorage {
  const cache = new LRUCache<string, readonly CachedResponse[]>({
    max: maxEntries,
    maxSize: maxBytes,
    sizeCalculation: (variants) => Math.max(1, sizeOf(variants)),
  })
  return {
    get: (key) => Promise.resolve(cache.get(key)),
    set(key, variants) {
      if (sizeOf(variants) <= maxBytes) cache.set(key, variants)
      return Promise.resolve()
    },
  }
}

interface StoredVariant extends Omit<CachedResponse, 'body'> {
  readonly body: string
}

const toBase64 = (bytes: Uint8Array) => {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0))

/** Storage in the gateway's Store (Redis for a fleet), so every instance shares what one cached. */
export function storeCacheStorage(store: Store, prefix = 'cache:'): CacheStorage {
  return {
    async get(key) {
      const text = await store.get(`${prefix}${key}`)
      if (text === undefined) return undefined
      const stored = JSON.parse(text) as StoredVariant[]
      return stored.map((variant) => ({ ...variant, body: fromBase64(variant.body) }))
    },
    async set(key, variants, ttlMs) {
      const stored: StoredVariant[] = variants.map((variant) => ({ ...variant, body: toBase64(variant.body) }))
      await store.set(`${prefix}${key}`, JSON.stringify(stored), ttlMs)
    },
  }
}
