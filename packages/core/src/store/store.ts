/** The result of {@link Store.increment}: the new value and how long the key still lives. */
export interface CounterValue {
  /** The counter after the increment. */
  readonly value: number
  /** Milliseconds until the key expires. */
  readonly ttlMs: number
}

/**
 * Where everything that holds state lives. The memory store is the embedded default; a Redis
 * store lets a fleet of gateway instances share it. Values are strings; callers encode.
 * Implementations must make `increment` atomic.
 */
export interface Store {
  /** The value of a key, or `undefined` when it is missing or expired. */
  get(key: string): Promise<string | undefined>
  /** Sets a key, optionally expiring after `ttlMs` milliseconds. */
  set(key: string, value: string, ttlMs?: number): Promise<void>
  /** Removes a key; removing a missing key is not an error. */
  delete(key: string): Promise<void>
  /**
   * Adds `by` to a counter. A missing or expired counter starts at 0 and expires after `ttlMs`;
   * an existing one keeps its expiry.
   */
  increment(key: string, by: number, ttlMs: number): Promise<CounterValue>
  /** Releases connections and timers. */
  close(): Promise<void>
}
