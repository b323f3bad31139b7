import { LRUCache } from 'lru-cache'
import type { ApiKeyRecord, ApiKeySource } from '../../config/sections/auth-schema'
import type { Clock } from '../../engine/clock'

/** How an async key source is cached. */
export interface KeyLookupCacheOptions {
  readonly maxEntries: number
  readonly ttlMs: number
  readonly negativeTtlMs: number
}

const unknownKey = Symbol('unknown key')

/**
 * Finds API key records by hash: in the static list, or through an async source behind a bounded
 * cache that also remembers unknown hashes (so a flood of random keys costs the source one lookup
 * per distinct key per `negativeTtl`), with concurrent lookups of one hash sharing one call.
 */
export class ApiKeyLookup {
  readonly #static: ReadonlyMap<string, ApiKeyRecord>
  readonly #source: ApiKeySource | undefined
  readonly #cache: LRUCache<string, ApiKeyRecord | typeof unknownKey> | undefined
  readonly #inFlight = new Map<string, Promise<ApiKeyRecord | undefined>>()
  readonly #negativeTtlMs: number

  constructor(
    records: readonly ApiKeyRecord[],
    source: ApiKeySource | undefined,
    cache: KeyLookupCacheOptions,
    clock: Clock,
  ) {
    this.#static = new Map(records.map((record) => [record.hash, record]))
    this.#source = source
    this.#negativeTtlMs = cache.negativeTtlMs
    this.#cache =
      source === undefined
        ? undefined
        : new LRUCache({ max: cache.maxEntries, ttl: cache.ttlMs, perf: { now: () => clock.now() }, ttlResolution: 0 })
  }

  /** The record for a key hash, or `undefined`; rejects when the source fails. */
  find(hash: string): ApiKeyRecord | undefined | Promise<ApiKeyRecord | undefined> {
    const known = this.#static.get(hash)
    if (known !== undefined || this.#source === undefined || this.#cache === undefined) return known
    const cached = this.#cache.get(hash)
    if (cached !== undefined) return cached === unknownKey ? undefined : cached
    const pending = this.#inFlight.get(hash)
    if (pending !== undefined) return pending
    const lookup = this.#lookUp(hash)
    this.#inFlight.set(hash, lookup)
    return lookup
  }

  async #lookUp(hash: string): Promise<ApiKeyRecord | undefined> {
    const cache = this.#cache as LRUCache<string, ApiKeyRecord | typeof unknownKey>
    try {
      const record = await (this.#source as ApiKeySource)(hash)
      if (record === undefined || record.hash !== hash) cache.set(hash, unknownKey, { ttl: this.#negativeTtlMs })
      else cache.set(hash, record)
      return record?.hash === hash ? record : undefined
    } finally {
      this.#inFlight.delete(hash)
    }
  }
}
