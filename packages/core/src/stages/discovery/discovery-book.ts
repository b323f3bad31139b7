import { EndpointStats, type EndpointStatsJSON } from './endpoint-stats'
import type { FlowCount } from './flow-counter'
import {
  diffAgainstDocument,
  type EndpointDiff,
  type EndpointKey,
  type ExportInfo,
  exportOpenApi,
  templateKey,
} from './openapi-export'
import { type Recommendation, recommendLimit } from './recommend-limit'
import type { FlaggedSession, SequenceSnapshot } from './sequence-model'
import { SequenceModel } from './sequence-model'
import { SessionRates, type SessionRatesSnapshot } from './session-rates'
import { TemplateLearner } from './template-learner'

/** One finished request as discovery sees it: no raw credentials; the session is already a hash. */
export interface TrafficSample {
  readonly method: string
  /** The canonical, decoded path, without the query. */
  readonly path: string
  readonly query: URLSearchParams
  /** The route template the framework or the OpenAPI document matched, when one did. */
  readonly knownTemplate?: string | undefined
  readonly status: number
  readonly durationMs: number
  /** When the request arrived, in ms since the epoch. */
  readonly at: number
  readonly session?: string | undefined
  /** The parsed JSON body, when the request had one and it was read. */
  readonly body?: unknown
  readonly contentType?: string | undefined
}

/** What discovery keeps, and how much of it. */
export interface DiscoveryBookOptions {
  readonly maxEndpoints: number
  readonly maxPaths: number
  /** The window session peaks are counted over (abuse detection). */
  readonly windowMs: number
  /** Whether to learn the order of calls per session. */
  readonly sequences: boolean
}

/** An endpoint with what discovery learned about it. */
export interface LearnedEndpointStats extends EndpointKey {
  readonly stats: EndpointStats
}

/** A recommended rate limit for one endpoint. */
export interface EndpointRecommendation extends EndpointKey {
  readonly recommendation: Recommendation
}

/** Everything one instance learned, as JSON, so a fleet can merge its instances. */
export interface DiscoverySnapshot {
  readonly version: 1
  readonly endpoints: readonly (readonly [method: string, template: string, stats: EndpointStatsJSON])[]
  readonly rates: SessionRatesSnapshot
  readonly sequences: SequenceSnapshot | undefined
}

const endpointName = (method: string, template: string) => `${method} ${template}`

/**
 * What discovery learns from traffic: endpoint templates, per-endpoint statistics, each session's
 * peak rate per endpoint (for recommended limits) and the order of calls (sequences). Bounded by
 * its options; an endpoint past `maxEndpoints` is counted in an overflow bucket.
 */
export class DiscoveryBook {
  readonly #options: DiscoveryBookOptions
  readonly #templates: TemplateLearner
  readonly #endpoints = new Map<string, LearnedEndpointStats>()
  readonly #rates: SessionRates
  readonly #sequences: SequenceModel | undefined

  constructor(options: DiscoveryBookOptions) {
    this.#options = options
    this.#templates = new TemplateLearner({ maxNodes: options.maxPaths })
    this.#rates = new SessionRates({ windowMs: options.windowMs, maxEndpoints: options.maxEndpoints })
    this.#sequences = options.sequences ? new SequenceModel({ maxEndpoints: options.maxEndpoints }) : undefined
  }

  /** Learns from one request; says which endpoint it was, and whether its session's flow looks improbable. */
  record(sample: TrafficSample): { endpoint: string; flagged: boolean } {
    const template = this.#templates.observe(sample.method, sample.path, sample.knownTemplate)
    const stats = this.#statsFor(sample.method, template)
    stats.record({
      status: sample.status,
      durationMs: sample.durationMs,
      session: sample.session,
      query: sample.query,
      body: sample.body,
      contentType: sample.contentType,
      at: sample.at,
    })
    const endpoint = endpointName(sample.method, template)
    if (sample.session === undefined) return { endpoint, flagged: false }
    this.#rates.record(endpoint, sample.session, sample.at)
    const flagged = this.#sequences?.observe(sample.session, endpoint, sample.at).flagged ?? false
    return { endpoint, flagged }
  }

  #statsFor(method: string, template: string): EndpointStats {
    const name = endpointName(method, template)
    const known = this.#endpoints.get(name)
    if (known !== undefined) return known.stats
    const full = this.#endpoints.size >= this.#options.maxEndpoints
    const key = full ? endpointName('*', '(overflow)') : name
    const existing = this.#endpoints.get(key)
    if (existing !== undefined) return existing.stats
    const entry = full
      ? { method: '*', template: '(overflow)', stats: new EndpointStats() }
      : { method, template, stats: new EndpointStats() }
    this.#endpoints.set(key, entry)
    return entry.stats
  }

  /**
   * The template an endpoint has now. Requests recorded before a position turned into a variable were
   * filed under literal paths (`/hotels/h1/prices`); the learner now maps those to the variable.
   */
  #currentTemplate(entry: EndpointKey): string {
    if (entry.method === '*' || entry.template.includes('{')) return entry.template
    return this.#templates.templateOf(entry.method, entry.template)
  }

  /** Every endpoint seen, the busiest first; endpoints filed under templates since generalised are merged. */
  endpoints(): LearnedEndpointStats[] {
    const current = new Map<string, LearnedEndpointStats>()
    const copies = new Set<LearnedEndpointStats>()
    // The busiest first, so where templates differ only in parameter names (the framework's `{id}` for the
    // app's answers, the OpenAPI document's `{hotelId}` for the gateway's), the busiest one's names stay.
    const entries = [...this.#endpoints.values()].sort((a, b) => b.stats.requests - a.stats.requests)
    for (const entry of entries) {
      const learned = this.#currentTemplate(entry)
      const key = endpointName(entry.method, templateKey(learned))
      const existing = current.get(key)
      const template = existing?.template ?? learned
      if (existing === undefined && template === entry.template) {
        current.set(key, entry)
        continue
      }
      // Merge into a copy: the live statistics keep counting under their own key.
      let target = existing
      if (target === undefined || !copies.has(target)) {
        target = {
          method: entry.method,
          template,
          stats: existing === undefined ? new EndpointStats() : new EndpointStats().merge(existing.stats),
        }
        copies.add(target)
        current.set(key, target)
      }
      target.stats.merge(entry.stats)
    }
    return [...current.values()].sort((a, b) => b.stats.requests - a.stats.requests)
  }

  /** The endpoints as an OpenAPI 3.1 document (the overflow bucket left out). */
  openapi(info?: ExportInfo): Record<string, unknown> {
    return exportOpenApi(
      this.endpoints().filter((endpoint) => endpoint.method !== '*'),
      info,
    )
  }

  /** Shadow endpoints (in traffic, not documented) and zombie ones (documented, no traffic). */
  diff(documented: readonly EndpointKey[]): EndpointDiff {
    return diffAgainstDocument(
      this.endpoints().filter((endpoint) => endpoint.method !== '*'),
      documented,
    )
  }

  /** A recommended limit per endpoint with enough sessions to judge by. */
  recommendations(options: { minSessions: number; headroom: number }): EndpointRecommendation[] {
    const recommendations: EndpointRecommendation[] = []
    for (const name of this.#rates.endpoints()) {
      const recommendation = recommendLimit(this.#rates.peaks(name), options)
      const entry = this.#endpoints.get(name)
      if (recommendation === undefined || entry === undefined) continue
      recommendations.push({ method: entry.method, template: this.#currentTemplate(entry), recommendation })
    }
    // Where early literal paths and their later template both qualify, the one with more sessions speaks.
    const best = new Map<string, EndpointRecommendation>()
    for (const found of recommendations) {
      const key = endpointName(found.method, templateKey(found.template))
      const known = best.get(key)
      if (known === undefined || found.recommendation.sessions > known.recommendation.sessions) best.set(key, found)
    }
    return [...best.values()]
  }

  /** The most common flows of `length` consecutive calls. */
  flows(n: number, length: number): FlowCount[] {
    return this.#sequences?.topFlows(n, length) ?? []
  }

  /** Recent sessions whose flow was improbable. */
  flaggedSessions(): FlaggedSession[] {
    return this.#sequences?.flaggedSessions() ?? []
  }

  snapshot(): DiscoverySnapshot {
    return {
      version: 1,
      endpoints: [...this.#endpoints.values()].map(({ method, template, stats }) => [method, template, stats.toJSON()]),
      rates: this.#rates.snapshot(),
      sequences: this.#sequences?.snapshot(),
    }
  }

  /** Adds another instance's snapshot to this one. */
  merge(snapshot: DiscoverySnapshot): void {
    for (const [method, template, json] of snapshot.endpoints) {
      this.#statsFor(method, template).merge(EndpointStats.fromJSON(json))
    }
    this.#rates.merge(snapshot.rates)
    if (snapshot.sequences !== undefined) this.#sequences?.merge(snapshot.sequences)
  }
}
