import type { DiscoveryBook } from '@portcullis/core'

/** One endpoint's session peaks and, with enough sessions, its recommended limit. */
export interface EndpointLimit {
  readonly method: string
  readonly template: string
  readonly sessions: number
  readonly outliers: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
  /** The smallest outlier's peak, `null` without outliers. */
  readonly smallestOutlier: number | null
  /** Requests per session per window; `null` below `minSessions` normal sessions. */
  readonly limit: number | null
  /** How far to trust `limit`, in [0, 1]; `null` without a limit. */
  readonly confidence: number | null
}

/**
 * Every endpoint with sessions, the busiest first. Asked with `minSessions: 1`, the book judges each
 * (outliers do not depend on the gate), and the gate is applied here as the book would, to the
 * normal sessions: so an endpoint below it still shows its numbers, just no limit.
 */
export function endpointLimits(book: DiscoveryBook, minSessions: number, headroom: number): EndpointLimit[] {
  return book
    .recommendations({ minSessions: 1, headroom })
    .map(({ method, template, recommendation: r }) => {
      const enough = r.sessions - r.outliers >= minSessions
      return {
        method,
        template,
        sessions: r.sessions,
        outliers: r.outliers,
        p50: r.p50,
        p90: r.p90,
        p99: r.p99,
        max: r.max,
        smallestOutlier: r.smallestOutlier ?? null,
        limit: enough ? r.threshold : null,
        confidence: enough ? r.confidence : null,
      }
    })
    .sort((a, b) => b.sessions - a.sessions || `${a.template} ${a.method}`.localeCompare(`${b.template} ${b.method}`))
}
