import { readCount } from './read-count'

/** Latency over the requests recorded; percentiles are estimates within about 9 %. */
export interface LatencySummary {
  readonly count: number
  readonly sumMs: number
  readonly minMs: number
  readonly maxMs: number
  readonly p50Ms: number
  readonly p90Ms: number
  readonly p99Ms: number
}

/** One bar of a latency distribution: the requests that took more than the previous bar's `upToMs`, up to this one's. */
export interface LatencyBucket {
  readonly upToMs: number
  readonly count: number
}

/** A {@link LatencyHistogram} as plain JSON: count, sum, min, max and the non-empty buckets as `[index, count]` pairs. */
export interface LatencyHistogramJSON {
  count: number
  sum: number
  min?: number
  max?: number
  buckets: [number, number][]
}

// Latency buckets on a log scale: bucket 0 holds up to 0.1 ms and bucket i (LOW·γ^(i-1), LOW·γ^i]
// with γ = 2^(1/4). A percentile is reported as its bucket's geometric middle, so within a factor
// √γ ≈ 1.09 of the truth; 101 buckets reach ~56 minutes, longer goes to the last. Fixed buckets
// merge by adding counts, so a fleet's merged percentiles equal one instance's over all requests.
const LOW_MS = 0.1
const STEPS_PER_DOUBLING = 4
const BUCKETS = 101

const bucketOf = (ms: number): number =>
  ms <= LOW_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log2(ms / LOW_MS) * STEPS_PER_DOUBLING))

/** Request latencies in fixed log-scale buckets, with their count, sum, min and max; merges exactly. */
export class LatencyHistogram {
  // Float64 holds counts exactly to 2^53, past any Uint32 overflow.
  readonly #buckets = new Float64Array(BUCKETS)
  #count = 0
  #sum = 0
  #min = Number.POSITIVE_INFINITY
  #max = Number.NEGATIVE_INFINITY

  /** Records one request's time to the response, in milliseconds. */
  record(durationMs: number): void {
    // A clock step can make a duration negative: it counts as instant rather than skewing the sum.
    const duration = Math.max(0, durationMs)
    if (Number.isFinite(duration)) {
      this.#add(1, duration, duration, duration)
      const bucket = bucketOf(duration)
      this.#buckets[bucket] = (this.#buckets[bucket] ?? 0) + 1
    }
  }

  /** The latency summary; all zeros before any request. */
  summary(): LatencySummary {
    const count = this.#count
    if (count === 0) return { count, sumMs: 0, minMs: 0, maxMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0 }
    const [minMs, maxMs] = [this.#min, this.#max]
    const at = (q: number): number => {
      const rank = Math.max(1, Math.ceil(q * count))
      let seen = 0
      for (let index = 0; index < BUCKETS; index++) {
        seen += this.#buckets[index] ?? 0
        if (seen >= rank) {
          const middle = LOW_MS * 2 ** ((index - 0.5) / STEPS_PER_DOUBLING)
          return Math.min(maxMs, Math.max(minMs, middle))
        }
      }
      return maxMs
    }
    return { count, sumMs: this.#sum, minMs, maxMs, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99) }
  }

  /**
   * The distribution in doubling bars (≤0.1 ms, ≤0.2 ms, ≤0.4 ms, …), from the first bar with a request
   * to the last: what a latency histogram chart draws.
   */
  distribution(): LatencyBucket[] {
    const bars: LatencyBucket[] = []
    for (let bar = 0; bar * STEPS_PER_DOUBLING < BUCKETS; bar++) {
      // Bar 0 is bucket 0; bar b > 0 holds the fine buckets (b-1)·4+1 … b·4.
      const first = bar === 0 ? 0 : (bar - 1) * STEPS_PER_DOUBLING + 1
      const last = Math.min(BUCKETS - 1, bar * STEPS_PER_DOUBLING)
      let count = 0
      for (let index = first; index <= last; index++) count += this.#buckets[index] ?? 0
      bars.push({ upToMs: LOW_MS * 2 ** bar, count })
    }
    const firstUsed = bars.findIndex((bar) => bar.count > 0)
    if (firstUsed === -1) return []
    const lastUsed = bars.findLastIndex((bar) => bar.count > 0)
    return bars.slice(firstUsed, lastUsed + 1)
  }

  /** The histogram as plain JSON. */
  toJSON(): LatencyHistogramJSON {
    const count = this.#count
    const buckets: [number, number][] = []
    this.#buckets.forEach((n, index) => {
      if (n > 0) buckets.push([index, n])
    })
    return {
      count,
      sum: this.#sum,
      ...(count > 0 ? { min: this.#min, max: this.#max } : {}),
      buckets,
    }
  }

  /** Adds a serialised histogram's counts to these; throws a `TypeError` on a malformed one. */
  absorb(latency: LatencyHistogramJSON): void {
    const latencyCount = readCount(latency?.count)
    if (latencyCount > 0) {
      const { sum, min, max } = latency
      if (![sum, min, max].every(Number.isFinite)) throw new TypeError('latency sum / min / max must be numbers')
      this.#add(latencyCount, sum, min as number, max as number)
    }
    for (const pair of latency.buckets ?? []) {
      const [index, count] = Array.isArray(pair) ? pair : []
      if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= BUCKETS) {
        throw new TypeError('a latency bucket index is out of range')
      }
      this.#buckets[index as number] = (this.#buckets[index as number] ?? 0) + readCount(count)
    }
  }

  #add(count: number, sum: number, min: number, max: number): void {
    this.#count += count
    this.#sum += sum
    this.#min = Math.min(this.#min, min)
    this.#max = Math.max(this.#max, max)
  }
}
