import { LRUCache } from 'lru-cache'
import { type Clock, systemClock } from '../engine/clock'
import type { CounterValue, Store } from './store'

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The most keys kept; the least recently used go first. Default: 100000. */
  maxEntries?: number
  /** The clock expiry is measured with. Default: the system clock. */
  clock?: Clock
}

/** The default most keys a memory store keeps. */
export const defaultMemoryStoreEntries = 100_000

/**
 * The embedded, in-process {@link Store}: bounded (least recently used keys are evicted first)
 * and expiring by the gateway's clock. State lives as long as the process.
 */
export class MemoryStore implements Store {
  readonly #entries: LRUCache<string, string>

  constructor(options: MemoryStoreOptions = {}) {
    const clock = options.clock ?? systemClock
    this.#entries = new LRUCache<string, string>({
      max: options.maxEntries ?? defaultMemoryStoreEntries,
      perf: { now: () => clock.now() },
      ttlResolution: 0,
    })
  }

  async get(key: string): Promise<string | undefined> {
    return this.#entries.get(key)
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.#entries.set(key, value, ttlMs === undefined ? undefined : { ttl: ttlMs })
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key)
  }

  async increment(key: string, by: number, ttlMs: number): Promise<CounterValue> {
    const current = this.#entries.get(key)
    if (current === undefined) {
      this.#entries.set(key, String(by), { ttl: ttlMs })
      return { value: by, ttlMs }
    }
    const value = Number(current) + by
    if (!Number.isFinite(value)) throw new TypeError(`Store key ${JSON.stringify(key)} does not hold a counter`)
    const remaining = this.#entries.getRemainingTTL(key)
    this.#entries.set(key, String(value), { ttl: remaining, noUpdateTTL: true })
    return { value, ttlMs: remaining }
  }

  async close(): Promise<void> {
    this.#entries.clear()
  }
}
