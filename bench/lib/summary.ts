import type { LoadResult } from './load-protocol'
import { median, range } from './stats'
import type { Route, Variant } from './workload'

/** One measured run. */
export interface RunRecord {
  readonly variant: Variant
  readonly route: Route
  /** 1-based. */
  readonly repetition: number
  readonly result: LoadResult
}

/** What the gateway costs one framework on one route, against the same framework bare. */
export interface GatewayCost {
  /** Median req/s with the gateway over median req/s without. */
  readonly ratioOfMedians: number
  /** The same ratio per repetition (the two runs were adjacent in time): its spread shows the noise. */
  readonly pairedRatios: { min: number; max: number }
  /** Server CPU µs per request with the gateway minus without (medians). */
  readonly addedCpuMicros: number
}

/** Everything the report says about one variant on one route. */
export interface Summary {
  readonly variant: Variant
  readonly route: Route
  readonly runs: readonly LoadResult[]
  readonly requestsPerSecond: { median: number; min: number; max: number }
  readonly p50Ms: number
  readonly p99Ms: number
  readonly non2xx: number
  readonly errors: number
  /** Server CPU time per response, in µs: what one request costs, even when the server was not the bottleneck. */
  readonly cpuMicrosPerRequest: number
  /** Share of one core the server used (median of runs). */
  readonly serverCpuShare: number
  /** Share of one core the load generator used (median of runs); near 1, it set the pace. */
  readonly loadCpuShare: number
  /** Against the same framework bare; only for gateway variants. */
  readonly gatewayCost: GatewayCost | undefined
  /** Median req/s over bare node:http's, when node:http was measured. */
  readonly vsNodeHttp: number | undefined
}

const runsOf = (records: readonly RunRecord[], frameworkId: string, gateway: boolean, route: Route) =>
  records.filter(
    (r) => r.variant.framework.id === frameworkId && r.variant.gateway === gateway && r.route.id === route.id,
  )

const medianRps = (results: readonly LoadResult[]) => median(results.map((r) => r.requestsPerSecond))
const cpuMicros = (result: LoadResult) => (result.serverCpuSeconds * 1e6) / result.requests

function gatewayCost(records: readonly RunRecord[], variant: Variant, route: Route): GatewayCost | undefined {
  if (!variant.gateway) return undefined
  const gatewayRuns = runsOf(records, variant.framework.id, true, route)
  const bareRuns = runsOf(records, variant.framework.id, false, route)
  const paired = gatewayRuns.flatMap((run) => {
    const partner = bareRuns.find((r) => r.repetition === run.repetition)
    return partner === undefined ? [] : [run.result.requestsPerSecond / partner.result.requestsPerSecond]
  })
  if (paired.length === 0) return undefined
  const gatewayResults = gatewayRuns.map((r) => r.result)
  const bareResults = bareRuns.map((r) => r.result)
  return {
    ratioOfMedians: medianRps(gatewayResults) / medianRps(bareResults),
    pairedRatios: range(paired),
    addedCpuMicros: median(gatewayResults.map(cpuMicros)) - median(bareResults.map(cpuMicros)),
  }
}

/** Summarises the runs per variant and route, in the order of `variants` then `routes`. */
export function summarize(
  records: readonly RunRecord[],
  variants: readonly Variant[],
  routes: readonly Route[],
): Summary[] {
  return variants.flatMap((variant) =>
    routes.map((route) => {
      const runs = runsOf(records, variant.framework.id, variant.gateway, route).map((r) => r.result)
      const nodeHttp = runsOf(records, 'node-http', false, route).map((r) => r.result)
      return {
        variant,
        route,
        runs,
        requestsPerSecond: { median: medianRps(runs), ...range(runs.map((r) => r.requestsPerSecond)) },
        p50Ms: median(runs.map((r) => r.p50Ms)),
        p99Ms: median(runs.map((r) => r.p99Ms)),
        non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
        errors: runs.reduce((sum, r) => sum + r.errors, 0),
        cpuMicrosPerRequest: median(runs.map(cpuMicros)),
        serverCpuShare: median(runs.map((r) => r.serverCpuSeconds / r.durationSeconds)),
        loadCpuShare: median(runs.map((r) => r.loadCpuSeconds / r.durationSeconds)),
        gatewayCost: gatewayCost(records, variant, route),
        vsNodeHttp: nodeHttp.length === 0 ? undefined : medianRps(runs) / medianRps(nodeHttp),
      }
    }),
  )
}
