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

/**
 * Counts flows in at most `capacity` counters with Misra-Gries. A new flow arriving when every
 * counter is taken is not stored: it and every counter lose one, and counters at zero are dropped.
 * So counts are lower bounds, each at most `total / (capacity + 1)` short, and any flow seen more
 * often than that is certain to be kept. Summaries merge with the same guarantee (Agarwal et al.,
 * "Mergeable summaries"), which space-saving's overestimates would not give as simply.
 */
export class FlowCounter {
  readonly #capacity: number
  readonly #counts = new Map<string, number>()
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
    this.#total++
    const key = flow.join(SEPARATOR)
    const count = this.#counts.get(key)
    if (count !== undefined) this.#counts.set(key, count + 1)
    else if (this.#counts.size < this.#capacity) this.#counts.set(key, 1)
    // A full pass per eviction is still O(1) amortised: the decrements never exceed the increments.
    else this.#subtract(1)
  }

  /** The `n` most frequent flows, most frequent first (ties in flow order, so the answer is stable). */
  top(n: number): FlowCount[] {
    return [...this.#counts]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, Math.max(0, n))
      .map(([key, count]) => ({ flow: key.split(SEPARATOR), count }))
  }

  /** The counters as JSON-serialisable data. */
  snapshot(): FlowCounterSnapshot {
    return { total: this.#total, counts: [...this.#counts].map(([key, count]) => [key.split(SEPARATOR), count]) }
  }

  /** Adds another counter's snapshot (with its endpoints renamed by `rename`) to this one. */
  merge(snapshot: FlowCounterSnapshot, rename: (endpoint: string) => string = (endpoint) => endpoint): void {
    this.#total += snapshot.total
    for (const [flow, count] of snapshot.counts) {
      const key = flow.map(rename).join(SEPARATOR)
      this.#counts.set(key, (this.#counts.get(key) ?? 0) + count)
    }
    if (this.#counts.size <= this.#capacity) return
    // Taking the (capacity+1)-th largest off every counter keeps the bound of the merged summary.
    const sorted = [...this.#counts.values()].sort((a, b) => b - a)
    this.#subtract(sorted[this.#capacity] ?? 0)
  }

  #subtract(amount: number): void {
    for (const [key, count] of this.#counts) {
      if (count > amount) this.#counts.set(key, count - amount)
      else this.#counts.delete(key)
    }
  }
}
