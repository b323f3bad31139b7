import {
  type LatencyBucket,
  LatencyHistogram,
  type LatencyHistogramJSON,
  type LatencySummary,
} from '../../stats/latency-histogram'
import { readCount } from '../../stats/read-count'

/** The status classes analytics counts. */
export const statusClasses = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const

/** One of the {@link statusClasses}. */
export type StatusClass = (typeof statusClasses)[number]

/** The class of a status code. */
export function statusClassOf(status: number): StatusClass {
  const index = Math.min(5, Math.max(1, Math.floor(status / 100))) - 1
  return statusClasses[index] as StatusClass
}

/** What a tally reports: requests, their status classes, bytes and latency. */
export interface TrafficSummary {
  readonly requests: number
  readonly statuses: Readonly<Record<StatusClass, number>>
  /** The share of requests answered 5xx. */
  readonly errorRate: number
  /** Body bytes sent, where the size was known. */
  readonly bytes: number
  readonly latency: LatencySummary
}

/** A {@link TrafficTally} as plain JSON, for merging across instances. */
export interface TrafficTallyJSON {
  requests: number
  statuses: number[]
  bytes: number
  latency: LatencyHistogramJSON
}

/** Requests counted by status class, bytes and latency; merges exactly with another instance's. */
export class TrafficTally {
  #requests = 0
  readonly #statuses = [0, 0, 0, 0, 0]
  #bytes = 0
  readonly #latency = new LatencyHistogram()

  record(status: number, bytes: number | undefined, durationMs: number): void {
    this.#requests++
    const index = statusClasses.indexOf(statusClassOf(status))
    this.#statuses[index] = (this.#statuses[index] ?? 0) + 1
    if (bytes !== undefined && Number.isFinite(bytes) && bytes > 0) this.#bytes += bytes
    this.#latency.record(durationMs)
  }

  get requests(): number {
    return this.#requests
  }

  summary(): TrafficSummary {
    const statuses = Object.fromEntries(statusClasses.map((name, i) => [name, this.#statuses[i] ?? 0])) as Record<
      StatusClass,
      number
    >
    return {
      requests: this.#requests,
      statuses,
      errorRate: this.#requests === 0 ? 0 : statuses['5xx'] / this.#requests,
      bytes: this.#bytes,
      latency: this.#latency.summary(),
    }
  }

  /** The latency distribution, for a histogram chart. */
  latencyDistribution(): LatencyBucket[] {
    return this.#latency.distribution()
  }

  toJSON(): TrafficTallyJSON {
    return {
      requests: this.#requests,
      statuses: [...this.#statuses],
      bytes: this.#bytes,
      latency: this.#latency.toJSON(),
    }
  }

  /** Adds another tally's counts; throws a `TypeError` on a malformed one. */
  absorb(other: TrafficTallyJSON): void {
    this.#requests += readCount(other.requests)
    other.statuses.forEach((count, index) => {
      if (index < this.#statuses.length) this.#statuses[index] = (this.#statuses[index] ?? 0) + readCount(count)
    })
    this.#bytes += readCount(other.bytes)
    this.#latency.absorb(other.latency)
  }
}
