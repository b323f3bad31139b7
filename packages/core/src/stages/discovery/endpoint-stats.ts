import { LatencyHistogram, type LatencyHistogramJSON, type LatencySummary } from '../../stats/latency-histogram'
import { readCount } from '../../stats/read-count'
import { ShapeLearner, type ShapeLimits } from './body-shape'
import { isJsonMediaType, mediaTypeOf } from './media-type'
import { QueryLearner, type QueryLimits } from './query-learner'
import { SessionSketch, type SessionSketchJSON } from './session-sketch'

export type { LatencySummary } from '../../stats/latency-histogram'
export { isJsonMediaType } from './media-type'

/** A response status class. */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx'

/** What one request to an endpoint contributes to its statistics; nothing of it is kept as given. */
export interface EndpointObservation {
  /** The response status. */
  readonly status: number
  /** Time to the response, in milliseconds. */
  readonly durationMs: number
  /** The caller's session key, already hashed; `undefined` when the request had none. */
  readonly session?: string | undefined
  readonly query?: URLSearchParams | undefined
  /** The parsed body, learned from when `contentType` is JSON; `undefined` when there was none. */
  readonly body?: unknown
  readonly contentType?: string | undefined
  /** When the request came, in ms since the epoch. Default: now. */
  readonly at?: number | undefined
}

/** Bounds of an {@link EndpointStats}. */
export interface EndpointStatsLimits {
  readonly shape?: ShapeLimits
  readonly query?: QueryLimits
}

/** {@link EndpointStats} as plain JSON. */
export interface EndpointStatsJSON {
  readonly version: 1
  readonly requests: number
  readonly firstSeen?: number
  readonly lastSeen?: number
  readonly statuses: Partial<Record<StatusClass, number>>
  /** Latency: count, sum, min, max and the non-empty buckets as `[index, count]` pairs. */
  readonly latency: LatencyHistogramJSON
  /** Distinct sessions: their fingerprints while few, then a HyperLogLog's registers. */
  readonly sessions: SessionSketchJSON
  /** Requests with a body. */
  readonly bodies: number
  /** Requests with a body by media type (at most {@link MAX_MEDIA_TYPES}). */
  readonly mediaTypes: Record<string, number>
  readonly query: ReturnType<QueryLearner['toJSON']>
  readonly body: ReturnType<ShapeLearner['toJSON']>
}

/** Media types tracked per endpoint: an API takes a handful; more would be noise or probing. */
export const MAX_MEDIA_TYPES = 8

const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx']

/**
 * What an endpoint's traffic looks like: request count, first / last seen, status classes,
 * latency, distinct sessions, query parameters and JSON body shape. Bounded in memory whatever the
 * traffic, serialisable, and mergeable: merging instances' statistics gives what one instance
 * would have from all their requests (latency sums up to floating-point rounding).
 */
export class EndpointStats {
  /** The query parameters learned. */
  readonly query: QueryLearner
  /** The JSON request bodies' shape learned. */
  readonly body: ShapeLearner
  readonly #limits: EndpointStatsLimits
  #requests = 0
  #firstSeen: number | undefined
  #lastSeen: number | undefined
  readonly #statuses = new Map<StatusClass, number>()
  readonly #latency = new LatencyHistogram()
  readonly #sessions = new SessionSketch()
  #bodies = 0
  readonly #mediaTypes = new Map<string, number>()

  constructor(limits: EndpointStatsLimits = {}) {
    this.#limits = limits
    this.query = new QueryLearner(limits.query)
    this.body = new ShapeLearner(limits.shape)
  }

  /** Requests recorded. */
  get requests(): number {
    return this.#requests
  }

  /** When the first request came (ms since the epoch); `undefined` before any. */
  get firstSeen(): number | undefined {
    return this.#firstSeen
  }

  /** When the last request came (ms since the epoch); `undefined` before any. */
  get lastSeen(): number | undefined {
    return this.#lastSeen
  }

  /** Requests with a body. */
  get bodies(): number {
    return this.#bodies
  }

  /** Distinct sessions: exact up to 1,000, then a HyperLogLog estimate (about 2.3 % off). */
  get sessions(): number {
    return this.#sessions.size
  }

  /** Responses per status class, classes seen only. */
  statuses(): Partial<Record<StatusClass, number>> {
    return Object.fromEntries(
      STATUS_CLASSES.flatMap((c) => (this.#statuses.has(c) ? [[c, this.#statuses.get(c)]] : [])),
    )
  }

  /** Requests with a body per media type (at most {@link MAX_MEDIA_TYPES} types). */
  mediaTypes(): Record<string, number> {
    return Object.fromEntries(this.#mediaTypes)
  }

  /** The latency summary; all zeros before any request. */
  latency(): LatencySummary {
    return this.#latency.summary()
  }

  /** Records one request. */
  record(observation: EndpointObservation): void {
    const at = observation.at ?? Date.now()
    this.#seen(1, at, at)
    const status = Math.trunc(observation.status / 100)
    const statusClass = STATUS_CLASSES[status - 1]
    if (statusClass !== undefined) this.#statuses.set(statusClass, (this.#statuses.get(statusClass) ?? 0) + 1)
    this.#latency.record(observation.durationMs)
    if (observation.session !== undefined && observation.session !== '') this.#sessions.add(observation.session)
    this.query.observe(observation.query ?? new URLSearchParams())
    if (observation.body === undefined) return
    this.#bodies++
    const mediaType = mediaTypeOf(observation.contentType)
    if (mediaType === undefined) return
    this.#countMediaType(mediaType, 1)
    if (isJsonMediaType(mediaType)) this.body.observe(observation.body)
  }

  /** Adds another endpoint's statistics to these, as if these had recorded its requests too. */
  merge(other: EndpointStats): this {
    this.#absorb(other.toJSON())
    return this
  }

  /** The statistics as plain JSON. */
  toJSON(): EndpointStatsJSON {
    return {
      version: 1,
      requests: this.#requests,
      ...(this.#firstSeen === undefined ? {} : { firstSeen: this.#firstSeen, lastSeen: this.#lastSeen }),
      statuses: this.statuses(),
      latency: this.#latency.toJSON(),
      sessions: this.#sessions.toJSON(),
      bodies: this.#bodies,
      mediaTypes: this.mediaTypes(),
      query: this.query.toJSON(),
      body: this.body.toJSON(),
    }
  }

  /** Statistics holding serialised ones; throws a `TypeError` on malformed input. */
  static fromJSON(json: unknown, limits: EndpointStatsLimits = {}): EndpointStats {
    if (typeof json !== 'object' || json === null || (json as { version?: unknown }).version !== 1) {
      throw new TypeError('not serialised EndpointStats (version 1)')
    }
    const stats = new EndpointStats(limits)
    stats.#absorb(json as EndpointStatsJSON)
    return stats
  }

  #seen(requests: number, first: number, last: number): void {
    this.#requests += requests
    this.#firstSeen = this.#firstSeen === undefined ? first : Math.min(this.#firstSeen, first)
    this.#lastSeen = this.#lastSeen === undefined ? last : Math.max(this.#lastSeen, last)
  }

  #countMediaType(mediaType: string, count: number): void {
    const known = this.#mediaTypes.get(mediaType)
    if (known !== undefined || this.#mediaTypes.size < MAX_MEDIA_TYPES)
      this.#mediaTypes.set(mediaType, (known ?? 0) + count)
  }

  #absorb(json: EndpointStatsJSON): void {
    const requests = readCount(json.requests)
    if (requests > 0) {
      const [first, last] = [json.firstSeen, json.lastSeen]
      if (!Number.isFinite(first) || !Number.isFinite(last)) throw new TypeError('firstSeen / lastSeen must be numbers')
      this.#seen(requests, first as number, last as number)
    }
    for (const [name, count] of Object.entries(json.statuses ?? {})) {
      if (!STATUS_CLASSES.includes(name as StatusClass)) throw new TypeError(`unknown status class ${name.slice(0, 8)}`)
      this.#statuses.set(name as StatusClass, (this.#statuses.get(name as StatusClass) ?? 0) + readCount(count))
    }
    this.#latency.absorb(json.latency)
    this.#sessions.absorb(json.sessions)
    this.#bodies += readCount(json.bodies)
    for (const [mediaType, count] of Object.entries(json.mediaTypes ?? {})) {
      if (mediaTypeOf(mediaType) === mediaType) this.#countMediaType(mediaType, readCount(count))
    }
    this.query.merge(QueryLearner.fromJSON(json.query, this.#limits.query))
    this.body.merge(ShapeLearner.fromJSON(json.body, this.#limits.shape))
  }
}
