/** One flow (consecutive endpoints of a session) and how often it was seen. */
export interface FlowCount {
  readonly flow: readonly string[]
  /** A lower bound: at most `total / (capacity + 1)` below the true count (see {@link FlowCounter}). */
  readonly count: number
}

/** The JSON form of a {@link FlowCounter}: its counters and the number of flows it was told about. */
export interface FlowCounterSnapshot {
  readonly total: number
  readonly counts: readonly (readonly [flow: readonly string[], count: number])[]
}

// Endpoints are route labels such as `GET /hotels/{var1}`, never multi-line, so a newline joins them safely.
const SEPARATOR = '\n'

// A cache that missed more keys than it hit is skipped for its capacity times 2, then 4, 8, … for
// each such time in a row, up to 2 to this power.
const MAX_BACKOFF = 6

/**
 * Builds flow keys an endpoint at a time (the key of `[...flow, endpoint]` from the key of `flow`),
 * handing out the same string for the same flow while it is cached. Counting a flow costs mostly
 * hashing and comparing its key; a string the counters have seen before has its hash stored and is
 * found by identity. At most `capacity` keys are cached and then the cache starts over. Traffic that
 * seldom repeats a flow would only pay for the cache (and its garbage), so when it missed more than
 * it hit, keys are built without it for a while (longer each time in a row) before it is tried again.
 */
export class FlowKeys {
  readonly #capacity: number
  #extensions = new Map<string, Map<string, string>>()
  #size = 0
  #hits = 0
  #bypass = 0
  #backoff = 0

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  /** The key of the flow whose key is `key` followed by `endpoint`. */
  extend(key: string, endpoint: string): string {
    if (this.#bypass > 0) {
      this.#bypass--
      return key + SEPARATOR + endpoint
    }
    let next = this.#extensions.get(key)
    const cached = next?.get(endpoint)
    if (cached !== undefined) {
      this.#hits++
      return cached
    }
    if (this.#size >= this.#capacity) {
      this.#backoff = this.#hits < this.#size ? Math.min(this.#backoff + 1, MAX_BACKOFF) : 0
      if (this.#backoff > 0) this.#bypass = this.#capacity * 2 ** this.#backoff
      this.#extensions = new Map()
      this.#size = 0
      this.#hits = 0
      next = undefined
    }
    if (!next) {
      next = new Map()
      this.#extensions.set(key, next)
    }
    const extended = key + SEPARATOR + endpoint
    next.set(endpoint, extended)
    this.#size++
    return extended
  }
}

/** The key a flow is counted under (a single endpoint is its own key). */
export function flowKey(flow: readonly string[]): string {
  return flow.join(SEPARATOR)
}

/**
 * Counts flows in at most `capacity` counters with Misra-Gries. A new flow arriving when every
 * counter is taken is not stored: it and every counter lose one, and counters at zero are dropped.
 * So counts are lower bounds, each at most `total / (capacity + 1)` short, and any flow seen more
 * often than that is certain to be kept. Summaries merge with the same guarantee (Agarwal et al.,
 * "Mergeable summaries"), which space-saving's overestimates would not give as simply.
 */
export class FlowCounter {
  readonly #capacity: number
  // Counts in mutable cells, so counting a flow already held takes one lookup.
  readonly #counts = new Map<string, { count: number }>()
  #total = 0

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer')
    this.#capacity = capacity
  }

  /** How many flows hold a counter. */
  get size(): number {
    return this.#counts.size
  }

  /** Counts one occurrence of `flow`. */
  add(flow: readonly string[]): void {
    this.addKey(flowKey(flow))
  }

  /** Counts one occurrence of the flow whose {@link flowKey} is `key`. */
  addKey(key: string): void {
    this.#total++
    const cell = this.#counts.get(key)
    if (cell !== undefined) cell.count++
    else if (this.#counts.size < this.#capacity) this.#counts.set(key, { count: 1 })
    // A full pass per eviction is still O(1) amortised: the decrements never exceed the increments.
    else this.#subtract(1)
  }

  /** The `n` most frequent flows, most frequent first (ties in flow order, so the answer is stable). */
  top(n: number): FlowCount[] {
    return this.#entries()
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, Math.max(0, n))
      .map(([key, count]) => ({ flow: key.split(SEPARATOR), count }))
  }

  /** The counters as JSON-serialisable data. */
  snapshot(): FlowCounterSnapshot {
    return { total: this.#total, counts: this.#entries().map(([key, count]) => [key.split(SEPARATOR), count]) }
  }

  /** Adds another counter's snapshot (with its endpoints renamed by `rename`) to this one. */
  merge(snapshot: FlowCounterSnapshot, rename: (endpoint: string) => string = (endpoint) => endpoint): void {
    this.#total += snapshot.total
    for (const [flow, count] of snapshot.counts) {
      const key = flow.map(rename).join(SEPARATOR)
      const cell = this.#counts.get(key)
      if (cell) cell.count += count
      // `0 + count`, as `(undefined ?? 0) + count` was: the same whatever a snapshot holds.
      else this.#counts.set(key, { count: 0 + count })
    }
    if (this.#counts.size <= this.#capacity) return
    // Taking the (capacity+1)-th largest off every counter keeps the bound of the merged summary.
    const sorted = Array.from(this.#counts.values(), (cell) => cell.count).sort((a, b) => b - a)
    this.#subtract(sorted[this.#capacity] ?? 0)
  }

  #subtract(amount: number): void {
    for (const [key, cell] of this.#counts) {
      if (cell.count > amount) cell.count -= amount
      else this.#counts.delete(key)
    }
  }

  /** `[key, count]` of each counter, in the order they were taken. */
  #entries(): [string, number][] {
    const entries: [string, number][] = []
    for (const [key, { count }] of this.#counts) entries.push([key, count])
    return entries
  }
}
