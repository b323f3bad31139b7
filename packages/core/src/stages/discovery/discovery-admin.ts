import type { SessionPartConfig } from '../../config/sections/discovery-schema'
import type { RateLimitRuleConfig } from '../../config/sections/limits-schema'
import type { FleetShare } from '../../store/fleet-share'
import type { DiscoveryBook, DiscoverySnapshot } from './discovery-book'
import type { LatencySummary, StatusClass } from './endpoint-stats'
import type { FlowCount } from './flow-counter'
import type { EndpointDiff, EndpointKey, ExportInfo } from './openapi-export'
import type { Recommendation } from './recommend-limit'
import { recommendedRule } from './recommended-rule'
import type { FlaggedSession } from './sequence-model'

/** One discovered endpoint, as reported: counts and summaries, never raw values. */
export interface DiscoveredEndpointReport extends EndpointKey {
  readonly requests: number
  /** ISO 8601 instants. */
  readonly firstSeen: string | undefined
  readonly lastSeen: string | undefined
  readonly statuses: Partial<Record<StatusClass, number>>
  readonly latency: LatencySummary
  /** Distinct sessions (estimated past 1,000). */
  readonly sessions: number
}

/** A recommended limit for an endpoint, with the rule that would apply it (in report mode). */
export interface RecommendedLimit extends EndpointKey, Recommendation {
  readonly rule: RateLimitRuleConfig
}

/** What discovery reports: `engine.discovery`. On a shared store, reports cover the whole fleet. */
export interface DiscoveryAdmin {
  endpoints(): Promise<DiscoveredEndpointReport[]>
  /** The discovered API as an OpenAPI 3.1 document. */
  openapi(info?: ExportInfo): Promise<Record<string, unknown>>
  /** Shadow and zombie endpoints against the configured OpenAPI document; `undefined` without one. */
  diff(): Promise<EndpointDiff | undefined>
  /** Recommended limits, for endpoints with enough sessions. */
  recommendations(): Promise<RecommendedLimit[]>
  /** The most common flows of `length` consecutive calls (default 3). */
  flows(n?: number, length?: number): Promise<FlowCount[]>
  /** Recent sessions (hashed keys) whose flow this instance found improbable. */
  flaggedSessions(): FlaggedSession[]
  /** Publishes this instance's learning to the fleet now (on a shared store). */
  publish(): Promise<void>
}

/** Settings the admin functions report with. */
export interface DiscoveryAdminOptions {
  readonly book: DiscoveryBook
  readonly fleet: FleetShare<DiscoveryBook, DiscoverySnapshot> | undefined
  readonly documented: (() => Promise<readonly EndpointKey[]>) | undefined
  readonly minSessions: number
  readonly headroom: number
  readonly windowText: string
  readonly sessionKey: readonly SessionPartConfig[]
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())

/** The admin functions over an instance's book (merged with the fleet's on a shared store). */
export function discoveryAdmin(options: DiscoveryAdminOptions): DiscoveryAdmin {
  const { book, fleet, documented } = options
  const view = () => (fleet === undefined ? Promise.resolve(book) : fleet.merged())
  return {
    async endpoints() {
      return (await view()).endpoints().map(({ method, template, stats }) => ({
        method,
        template,
        requests: stats.requests,
        firstSeen: iso(stats.firstSeen),
        lastSeen: iso(stats.lastSeen),
        statuses: stats.statuses(),
        latency: stats.latency(),
        sessions: stats.sessions,
      }))
    },
    async openapi(info) {
      return (await view()).openapi(info)
    },
    async diff() {
      if (documented === undefined) return undefined
      return (await view()).diff(await documented())
    },
    async recommendations() {
      const found = (await view()).recommendations({ minSessions: options.minSessions, headroom: options.headroom })
      return found.map(({ method, template, recommendation }) => ({
        method,
        template,
        ...recommendation,
        rule: recommendedRule({ method, template }, recommendation.threshold, options.windowText, options.sessionKey),
      }))
    },
    async flows(n = 10, length = 3) {
      return (await view()).flows(n, length)
    },
    flaggedSessions: () => book.flaggedSessions(),
    publish: async () => fleet?.publish(),
  }
}
