import type { LatencyBucket } from '../../stats/latency-histogram'
import { type TrafficSummary, TrafficTally, type TrafficTallyJSON } from './traffic-tally'

/** The bounds of the analytics kept in memory. */
export interface AnalyticsBounds {
  /** Endpoints (method and route template) kept apart; the rest count as `(other)`. */
  readonly maxEndpoints: number
  /** Consumers kept apart; the rest count as `(other)`. */
  readonly maxConsumers: number
  /** Minutes of time series kept. */
  readonly minutes: number
}

/** One request, as analytics records it. */
export interface AnalyticsRecord {
  readonly method: string
  /** The route template (never a raw path, so the table stays small); `undefined` when nothing knew one. */
  readonly template: string | undefined
  readonly consumer: string | undefined
  readonly status: number
  readonly bytes: number | undefined
  readonly durationMs: number
  /** The error code of a refusal. */
  readonly denial: string | undefined
  /** Clock ms when it finished. */
  readonly at: number
}

/** An endpoint's or a consumer's traffic. */
export interface NamedTraffic extends TrafficSummary {
  readonly name: string
}

/** One minute of the time series. */
export interface MinuteTraffic extends TrafficSummary {
  /** The minute's start, as an ISO date-time. */
  readonly minute: string
}

/** What analytics reports. */
export interface AnalyticsSnapshot {
  /** When counting started (ISO date-time). */
  readonly since: string
  readonly total: TrafficSummary
  /** How the latencies of all requests spread, in doubling bars: a histogram chart's data. */
  readonly latencyHistogram: readonly LatencyBucket[]
  /** Endpoints by requests, most first. */
  readonly endpoints: readonly NamedTraffic[]
  /** Consumers by requests, most first. */
  readonly consumers: readonly NamedTraffic[]
  /** Refusals by error code. */
  readonly denials: Readonly<Record<string, number>>
  /** Per minute, oldest first, minutes without traffic left out. */
  readonly series: readonly MinuteTraffic[]
}

/** Analytics as plain JSON: what one instance sends another to merge. */
export interface AnalyticsJSON {
  since: number
  total: TrafficTallyJSON
  endpoints: [string, TrafficTallyJSON][]
  consumers: [string, TrafficTallyJSON][]
  denials: [string, number][]
  series: [number, TrafficTallyJSON][]
}

/** Where endpoints and consumers over the bounds are counted. */
export const overflowName = '(other)'
/** The endpoint name of requests no route template describes. */
export const unmatchedName = '(no route template)'

const minuteMs = 60_000

/** A bounded map of tallies: past `max` names, new ones share the overflow tally. */
class TallyTable {
  readonly #max: number
  readonly tallies = new Map<string, TrafficTally>()

  constructor(max: number) {
    this.#max = max
  }

  get(name: string): TrafficTally {
    let tally = this.tallies.get(name)
    if (tally === undefined) {
      const key = this.tallies.size >= this.#max && !this.tallies.has(name) ? overflowName : name
      tally = this.tallies.get(key) ?? new TrafficTally()
      this.tallies.set(key, tally)
    }
    return tally
  }

  top(limit: number): NamedTraffic[] {
    return [...this.tallies]
      .sort((a, b) => b[1].requests - a[1].requests)
      .slice(0, limit)
      .map(([name, tally]) => ({ name, ...tally.summary() }))
  }
}

/**
 * The gateway's traffic analytics, kept in process and bounded: totals, per endpoint (method and route
 * template), per consumer, refusals by code, and a per-minute series. Latencies are log-scale
 * histograms, so p50/p90/p99 hold within about 9% and instances merge exactly (`toJSON` / `absorb`).
 */
export class AnalyticsBook {
  readonly #bounds: AnalyticsBounds
  #since: number
  #total = new TrafficTally()
  #endpoints: TallyTable
  #consumers: TallyTable
  readonly #denials = new Map<string, number>()
  readonly #series = new Map<number, TrafficTally>()
  #newestMinute = Number.NEGATIVE_INFINITY

  constructor(bounds: AnalyticsBounds, now: number) {
    this.#bounds = bounds
    this.#since = now
    this.#endpoints = new TallyTable(bounds.maxEndpoints)
    this.#consumers = new TallyTable(bounds.maxConsumers)
  }

  record(entry: AnalyticsRecord): void {
    const { status, bytes, durationMs } = entry
    this.#total.record(status, bytes, durationMs)
    this.#endpoints.get(`${entry.method} ${entry.template ?? unmatchedName}`).record(status, bytes, durationMs)
    if (entry.consumer !== undefined) this.#consumers.get(entry.consumer).record(status, bytes, durationMs)
    if (entry.denial !== undefined && this.#denials.size < 200)
      this.#denials.set(entry.denial, (this.#denials.get(entry.denial) ?? 0) + 1)
    this.#minute(Math.floor(entry.at / minuteMs) * minuteMs).record(status, bytes, durationMs)
  }

  /** The report: the `top` endpoints and consumers, and the series of the last `minutes`. */
  snapshot(top = 20): AnalyticsSnapshot {
    return {
      since: new Date(this.#since).toISOString(),
      total: this.#total.summary(),
      latencyHistogram: this.#total.latencyDistribution(),
      endpoints: this.#endpoints.top(top),
      consumers: this.#consumers.top(top),
      denials: Object.fromEntries([...this.#denials].sort((a, b) => b[1] - a[1])),
      series: [...this.#series]
        .sort((a, b) => a[0] - b[0])
        .map(([minute, tally]) => ({ minute: new Date(minute).toISOString(), ...tally.summary() })),
    }
  }

  toJSON(): AnalyticsJSON {
    const pairs = (table: TallyTable): [string, TrafficTallyJSON][] =>
      [...table.tallies].map(([name, tally]) => [name, tally.toJSON()])
    return {
      since: this.#since,
      total: this.#total.toJSON(),
      endpoints: pairs(this.#endpoints),
      consumers: pairs(this.#consumers),
      denials: [...this.#denials],
      series: [...this.#series].map(([minute, tally]) => [minute, tally.toJSON()]),
    }
  }

  /** Adds another instance's analytics to these (within the same bounds); throws a `TypeError` on malformed JSON. */
  absorb(other: AnalyticsJSON): void {
    if (typeof other?.since !== 'number' || other.total === undefined) throw new TypeError('not analytics JSON')
    this.#since = Math.min(this.#since, other.since)
    this.#total.absorb(other.total)
    for (const [name, tally] of other.endpoints ?? []) this.#endpoints.get(String(name)).absorb(tally)
    for (const [name, tally] of other.consumers ?? []) this.#consumers.get(String(name)).absorb(tally)
    for (const [code, count] of other.denials ?? [])
      if (this.#denials.size < 200 || this.#denials.has(code))
        this.#denials.set(String(code), (this.#denials.get(code) ?? 0) + Number(count))
    for (const [minute, tally] of other.series ?? []) this.#minute(Number(minute)).absorb(tally)
  }

  /** Starts over, from `now`. */
  reset(now: number): void {
    this.#since = now
    this.#total = new TrafficTally()
    this.#endpoints = new TallyTable(this.#bounds.maxEndpoints)
    this.#consumers = new TallyTable(this.#bounds.maxConsumers)
    this.#denials.clear()
    this.#series.clear()
    this.#newestMinute = Number.NEGATIVE_INFINITY
  }

  /** The tally of a minute; minutes older than the series keeps are let go. */
  #minute(start: number): TrafficTally {
    let tally = this.#series.get(start)
    if (tally === undefined) {
      tally = new TrafficTally()
      this.#series.set(start, tally)
      this.#newestMinute = Math.max(this.#newestMinute, start)
      const oldest = this.#newestMinute - (this.#bounds.minutes - 1) * minuteMs
      for (const minute of this.#series.keys()) if (minute < oldest) this.#series.delete(minute)
    }
    return tally
  }
}
