/**
 * The read-only header view stages use: the reading half of the Web `Headers`, so a Fetch
 * `Request`'s headers serve as they are and Node adapters wrap `IncomingMessage.headers` without
 * copying. Names are case-insensitive; repeated headers read as one comma-joined value.
 */
export interface RequestHeaders {
  /** The value of a header, or `null` when it is absent. */
  get(name: string): string | null
  /** Whether a header is present. */
  has(name: string): boolean
  /** Every header as `[lowercase name, value]`. */
  entries(): IterableIterator<[string, string]>
}
