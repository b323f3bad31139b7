import { LRUCache } from 'lru-cache'
import { type Clock, systemClock } from '../engine/clock'
import type { CounterValue, SlidingWindowResult, Store } from './store'

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The most keys kept; the least recently used go first. Default: 100000. */
  maxEntries?: number
  /** The clock expiry is measured with. Default: the system clock. */
  clock?: Clock
}

/** The default most keys a memory store keeps. */
export const defaultMemoryStoreEntries = 100_000

/** A counter kept as a number and changed in place, so an increment is one lookup. */
class Counter {
  value: number
  readonly expiresAt: number

  constructor(value: number, expiresAt: number) {
    this.value = value
    this.expiresAt = expiresAt
  }
}

/** What a key holds: a value that was set, a sliding-window log, or a counter. */
type Entry = string | number[] | Counter

/**
 * The embedded, in-process {@link Store}: bounded (least recently used keys are evicted first)
 * and expiring by the gateway's clock. State lives as long as the process.
 */
export class MemoryStore implements Store {
  readonly #entries: LRUCache<string, Entry>
  readonly #clock: Clock

  constructor(options: MemoryStoreOptions = {}) {
    const clock = options.clock ?? systemClock
    this.#clock = clock
    this.#entries = new LRUCache<string, Entry>({
      max: options.maxEntries ?? defaultMemoryStoreEntries,
      perf: { now: () => clock.now() },
      ttlResolution: 0,
    })
  }

  async get(key: string): Promise<string | undefined> {
    const value = this.#entries.get(key)
    if (typeof value === 'string') return value
    return value instanceof Counter && value.expiresAt > this.#clock.now() ? String(value.value) : undefined
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.#entries.set(key, value, ttlMs === undefined ? undefined : { ttl: ttlMs })
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key)
  }

  async increment(key: string, by: number, ttlMs: number): Promise<CounterValue> {
    return this.#increment(key, by, ttlMs)
  }

  incrementNow(key: string, by: number, ttlMs: number): CounterValue {
    return this.#increment(key, by, ttlMs)
  }

  #increment(key: string, by: number, ttlMs: number): CounterValue {
    const now = this.#clock.now()
    const current = this.#entries.get(key)
    // A key whose time is up this very millisecond has expired (the LRU only drops it a millisecond later).
    if (current instanceof Counter) {
      if (current.expiresAt > now) {
        current.value += by
        return { value: current.value, ttlMs: current.expiresAt - now }
      }
    } else if (current !== undefined) {
      const remaining = this.#entries.getRemainingTTL(key)
      if (remaining > 0) {
        // A value set as text becomes a counter, keeping its expiry.
        const value = typeof current === 'string' ? Number(current) + by : Number.NaN
        if (!Number.isFinite(value)) throw new TypeError(`Store key ${JSON.stringify(key)} does not hold a counter`)
        this.#entries.set(key, new Counter(value, now + remaining), { noUpdateTTL: true })
        return { value, ttlMs: remaining }
      }
    }
    this.#entries.set(key, new Counter(by, now + ttlMs), { ttl: ttlMs })
    return { value: by, ttlMs }
  }

  async slidingWindowHit(key: string, limit: number, windowMs: number, now: number): Promise<SlidingWindowResult> {
    const stored = this.#entries.get(key)
    // The log holds hit times in order; those at or before now - windowMs have left the window.
    const log = Array.isArray(stored) ? stored : []
    let first = 0
    while (first < log.length && (log[first] as number) <= now - windowMs) first++
    const hits = first === 0 ? log : log.slice(first)
    const allowed = hits.length < limit
    if (allowed) hits.push(now)
    if (hits.length > 0) this.#entries.set(key, hits, { ttl: windowMs })
    else this.#entries.delete(key)
    const oldest = hits[0]
    return { allowed, count: hits.length, resetMs: oldest === undefined ? 0 : oldest + windowMs - now }
  }

  async close(): Promise<void> {
    this.#entries.clear()
  }
}
