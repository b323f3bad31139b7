import type { LoadResult } from './load-protocol'
import { median, range } from './stats'
import type { Route, Variant } from './workload'

/** One measured run. */
export interface RunRecord {
  readonly variant: Variant
  readonly route: Route
  /** The concurrency autocannon kept up. */
  readonly connections: number
  /** 1-based. */
  readonly repetition: number
  readonly result: LoadResult
}

/** What a variant costs on one route, against its baseline (its bare framework, the direct upstream). */
export interface BaselineCost {
  readonly baseline: Variant
  /** Median req/s of the variant over median req/s of the baseline. */
  readonly ratioOfMedians: number
  /** The same ratio per repetition (the two runs were close in time): its spread shows the noise. */
  readonly pairedRatios: { min: number; max: number }
  /** CPU µs per request (server and upstream together) of the variant minus the baseline's. */
  readonly addedCpuMicros: number
  /** Median p50 and p99 of the variant minus the baseline's, in ms. */
  readonly addedP50Ms: number
  readonly addedP99Ms: number
}

/** Everything the report says about one variant on one route at one concurrency. */
export interface Summary {
  readonly variant: Variant
  readonly route: Route
  readonly connections: number
  readonly runs: readonly LoadResult[]
  readonly requestsPerSecond: { median: number; min: number; max: number }
  readonly p50Ms: number
  readonly p99Ms: number
  readonly non2xx: number
  readonly errors: number
  /**
   * CPU time per response of the server and its upstream together, in µs (the sum of the two
   * medians): what one request costs, even when the server was not the bottleneck.
   */
  readonly cpuMicrosPerRequest: number
  /** The server process's part of it. */
  readonly serverCpuMicrosPerRequest: number
  /** The upstream's part of it; `undefined` when the variant has no upstream. */
  readonly upstreamCpuMicrosPerRequest: number | undefined
  /** Share of one core the server used (median of runs). */
  readonly serverCpuShare: number
  /** Share of one core the upstream used (median of runs); `undefined` without one. */
  readonly upstreamCpuShare: number | undefined
  /** Share of one core the load generator used (median of runs); near 1, it set the pace. */
  readonly loadCpuShare: number
  /** Share of one core the rest of the machine used (the largest of the runs): what competed with the benchmark. */
  readonly otherCpuShare: number
  /** Against the variant's baseline; `undefined` when it has none. */
  readonly baselineCost: BaselineCost | undefined
  /** Median req/s over the reference variant's (bare node:http), when one was measured. */
  readonly vsReference: number | undefined
  /** Median req/s over the peer stack's on the same framework, when one was measured. */
  readonly vsPeer: number | undefined
}

const runsOf = (records: readonly RunRecord[], variantId: string, route: Route, connections: number) =>
  records.filter((r) => r.variant.id === variantId && r.route.id === route.id && r.connections === connections)

const medianOf = (results: readonly LoadResult[], value: (result: LoadResult) => number) => median(results.map(value))
const rps = (result: LoadResult) => result.requestsPerSecond
const perRequest = (seconds: number, result: LoadResult) => (seconds * 1e6) / result.requests
const serverCpuMicros = (result: LoadResult) => perRequest(result.serverCpuSeconds, result)
const upstreamCpuMicros = (result: LoadResult) => perRequest(result.upstreamCpuSeconds, result)
/** The median CPU µs per request of the server plus the upstream's: the parts add up to it in the report. */
const totalCpuMicros = (results: readonly LoadResult[]) =>
  medianOf(results, serverCpuMicros) + medianOf(results, upstreamCpuMicros)

function baselineCost(
  records: readonly RunRecord[],
  variants: readonly Variant[],
  variant: Variant,
  route: Route,
  connections: number,
): BaselineCost | undefined {
  const baseline = variants.find((candidate) => candidate.id === variant.baseline)
  if (baseline === undefined) return undefined
  const ownRuns = runsOf(records, variant.id, route, connections)
  const baselineRuns = runsOf(records, baseline.id, route, connections)
  const paired = ownRuns.flatMap((run) => {
    const partner = baselineRuns.find((r) => r.repetition === run.repetition)
    return partner === undefined ? [] : [run.result.requestsPerSecond / partner.result.requestsPerSecond]
  })
  if (paired.length === 0) return undefined
  const own = ownRuns.map((r) => r.result)
  const base = baselineRuns.map((r) => r.result)
  const added = (value: (result: LoadResult) => number) => medianOf(own, value) - medianOf(base, value)
  return {
    baseline,
    ratioOfMedians: medianOf(own, rps) / medianOf(base, rps),
    pairedRatios: range(paired),
    addedCpuMicros: totalCpuMicros(own) - totalCpuMicros(base),
    addedP50Ms: added((r) => r.p50Ms),
    addedP99Ms: added((r) => r.p99Ms),
  }
}

/**
 * Summarises the runs per variant, route and concurrency, in the order of `variants`, their routes,
 * then `connections`. `reference` names the variant every row's req/s is also compared with.
 */
export function summarize(
  records: readonly RunRecord[],
  variants: readonly Variant[],
  connections: readonly number[],
  reference?: string,
): Summary[] {
  return variants.flatMap((variant) =>
    variant.routes.flatMap((route) =>
      connections.map((count): Summary => {
        const runs = runsOf(records, variant.id, route, count).map((r) => r.result)
        const referenceRuns =
          reference === undefined ? [] : runsOf(records, reference, route, count).map((r) => r.result)
        const peerRuns =
          variant.peer === undefined ? [] : runsOf(records, variant.peer, route, count).map((r) => r.result)
        const hasUpstream = variant.upstream !== undefined
        return {
          variant,
          route,
          connections: count,
          runs,
          requestsPerSecond: { median: medianOf(runs, rps), ...range(runs.map(rps)) },
          p50Ms: medianOf(runs, (r) => r.p50Ms),
          p99Ms: medianOf(runs, (r) => r.p99Ms),
          non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
          errors: runs.reduce((sum, r) => sum + r.errors, 0),
          cpuMicrosPerRequest: totalCpuMicros(runs),
          serverCpuMicrosPerRequest: medianOf(runs, serverCpuMicros),
          upstreamCpuMicrosPerRequest: hasUpstream ? medianOf(runs, upstreamCpuMicros) : undefined,
          serverCpuShare: medianOf(runs, (r) => r.serverCpuSeconds / r.durationSeconds),
          upstreamCpuShare: hasUpstream ? medianOf(runs, (r) => r.upstreamCpuSeconds / r.durationSeconds) : undefined,
          loadCpuShare: medianOf(runs, (r) => r.loadCpuSeconds / r.durationSeconds),
          otherCpuShare: Math.max(...runs.map((r) => r.otherCpuSeconds / r.durationSeconds)),
          baselineCost: baselineCost(records, variants, variant, route, count),
          vsReference: referenceRuns.length === 0 ? undefined : medianOf(runs, rps) / medianOf(referenceRuns, rps),
          vsPeer: peerRuns.length === 0 ? undefined : medianOf(runs, rps) / medianOf(peerRuns, rps),
        }
      }),
    ),
  )
}
