/** The result of {@link Store.increment}: the new value and how long the key still lives. */
export interface CounterValue {
  /** The counter after the increment. */
  readonly value: number
  /** Milliseconds until the key expires. */
  readonly ttlMs: number
}

/** The result of {@link Store.slidingWindowHit}. */
export interface SlidingWindowResult {
  /** Whether the hit was recorded: fewer than `limit` hits were in the window before it. */
  readonly allowed: boolean
  /** The hits in the window, after this one when it was recorded. */
  readonly count: number
  /** Milliseconds until the oldest hit in the window leaves it (a slot frees up); 0 when the window is empty. */
  readonly resetMs: number
}

/**
 * Where everything that holds state lives. The memory store is the embedded default; a Redis
 * store lets a fleet of gateway instances share it. Values are strings; callers encode.
 * Implementations must make `increment` and `slidingWindowHit` atomic, and must settle every call
 * within a bounded time (a store that cannot answer rejects; it never hangs).
 */
export interface Store {
  /** Whether other gateway instances share this store (a fleet). The memory store is not shared. */
  readonly shared?: boolean
  /** The value of a key, or `undefined` when it is missing or expired. */
  get(key: string): Promise<string | undefined>
  /** Sets a key, optionally expiring after `ttlMs` milliseconds. */
  set(key: string, value: string, ttlMs?: number): Promise<void>
  /** Removes a key; removing a missing key is not an error. */
  delete(key: string): Promise<void>
  /**
   * Adds `by` (which may be negative) to a counter. A missing or expired counter starts at 0 and
   * expires after `ttlMs`; an existing one keeps its expiry.
   */
  increment(key: string, by: number, ttlMs: number): Promise<CounterValue>
  /**
   * `increment` answered at once, for a store in this process that needs no I/O (the memory store).
   * Counting stages use it when present, so a request counted in memory waits for no promise.
   */
  incrementNow?(key: string, by: number, ttlMs: number): CounterValue
  /**
   * Records a hit at `now` (ms since the epoch) in the sliding-window log at `key`, but only when
   * fewer than `limit` earlier hits are in the window `(now - windowMs, now]`; hits older than the
   * window are dropped. The log expires `windowMs` after its newest hit.
   */
  slidingWindowHit(key: string, limit: number, windowMs: number, now: number): Promise<SlidingWindowResult>
  /** Releases connections and timers. */
  close(): Promise<void>
}
