/**
 * The load-benchmark runner shared by `pnpm bench` (frameworks) and `pnpm bench:routing`: fresh
 * server processes per variant and repetition, pinned and probed, autocannon on its own CPU per
 * route and concurrency, repetitions in alternating order, then the report in bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runLoad } from './load-process'
import type { LoadRequest, LoadResult } from './load-protocol'
import { describeMachine } from './machine'
import type { BenchOptions } from './options'
import { allowedCpus, canPin, serverCpu } from './pinning'
import { probeServer } from './probe'
import { type ReportInput, renderReport } from './report'
import { gatewayRevision } from './revision'
import { type RunningServer, startServer } from './server-process'
import { type RunRecord, summarize } from './summary'
import type { Variant } from './workload'

/** One load benchmark: what it measures and how its report looks. */
export interface LoadBench {
  /** The command that runs it, for the report (arguments are added). */
  readonly command: string
  readonly title: ReportInput['title']
  readonly variants: readonly Variant[]
  readonly options: BenchOptions<{ readonly id: string }>
  readonly table: ReportInput['table']
  /** The variant every row's req/s is also compared with, when measured. */
  readonly reference?: string | undefined
  /** The report's file name in bench/results/, without extension. */
  readonly resultsName: string
  /** The tokens the variants with `coldTokens` send, one per request (see lib/bench-tokens.ts). */
  readonly tokensFile?: string | undefined
}

const benchDir = join(import.meta.dirname, '..')

// On a shared host something else may run during a window (loopback networking alone shows as up to
// about 10% of a core): a window in which the rest of the machine used more than this is measured
// again, a few times at most; the report shows what the kept windows saw.
const busyLimit = 0.25
const busyRetries = 3
const share = (result: LoadResult) => result.otherCpuSeconds / result.durationSeconds
const busy = (result: LoadResult) => share(result) > busyLimit

function checkPin(server: RunningServer, cpu: number, label: string): void {
  if (canPin() && allowedCpus(server.pid) !== String(cpu)) throw new Error(`${label}: not pinned to CPU ${cpu}`)
}

/** Starts a variant's processes: its upstream first, if any, then the server given the upstream's URL. */
async function startVariant(variant: Variant, options: LoadBench['options']): Promise<RunningServer[]> {
  const started: RunningServer[] = []
  try {
    let env: Record<string, string> = {}
    if (variant.upstream !== undefined) {
      const label = `${variant.label} (upstream)`
      const upstream = await startServer(variant.upstream, benchDir, label, { cpu: options.upstreamCpu })
      started.push(upstream)
      checkPin(upstream, options.upstreamCpu, label)
      env = { UPSTREAM_URL: upstream.url }
    }
    const server = await startServer(variant.server, benchDir, variant.label, { cpu: serverCpu, env })
    started.unshift(server)
    checkPin(server, serverCpu, variant.label)
    return started
  } catch (error) {
    await Promise.all(started.map((process) => process.stop()))
    throw error
  }
}

/** Measures every route of a variant, at every concurrency, on fresh processes. */
async function measureVariant(bench: LoadBench, variant: Variant, repetition: number): Promise<RunRecord[]> {
  const { options } = bench
  const [server, upstream] = await startVariant(variant, options)
  if (server === undefined) throw new Error(`${variant.label}: no server`)
  try {
    await probeServer(server.url, variant, variant.label)
    const records: RunRecord[] = []
    for (const route of variant.routes) {
      for (const connections of options.connections) {
        const request: LoadRequest = {
          url: `${server.url}${route.path}`,
          method: route.method,
          headers: route.headers,
          body: route.body,
          tokensFile: variant.coldTokens === true ? bench.tokensFile : undefined,
          connections,
          warmupSeconds: options.warmupSeconds,
          durationSeconds: options.durationSeconds,
          serverPid: server.pid,
          upstreamPid: upstream?.pid,
        }
        let result = await runLoad(request, benchDir)
        for (let retry = 1; retry <= busyRetries && busy(result); retry++) {
          console.error(`  the rest of the machine was busy (${Math.round(share(result) * 100)}% of a core): again`)
          result = await runLoad(request, benchDir)
        }
        records.push({ variant, route, connections, repetition, result })
        console.error(
          `  run ${repetition}/${options.runs}  ${variant.label.padEnd(28)} ${route.label.padEnd(14)} ` +
            `${String(connections).padStart(3)} conn. ${Math.round(result.requestsPerSecond).toString().padStart(6)} req/s  ` +
            `p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms`,
        )
      }
    }
    return records
  } finally {
    await Promise.all([server.stop(), upstream?.stop()])
  }
}

/** Runs a load benchmark and writes its report (Markdown and the raw runs as JSON) to bench/results/. */
export async function runLoadBench(bench: LoadBench): Promise<void> {
  const { options, variants } = bench
  // Ctrl-C or a kill still runs the exit hooks, which stop the servers in flight.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130))
  const loads = variants.reduce((sum, variant) => sum + variant.routes.length, 0) * options.connections.length
  const perLoad = options.warmupSeconds + options.durationSeconds
  console.error(
    `${variants.length} variants, ${loads} route measurements x ${options.runs} run(s): about ` +
      `${Math.ceil((options.runs * (loads * perLoad + variants.length * 2)) / 60)} min${canPin() ? '' : ' (unpinned: taskset not found)'}`,
  )
  // Taken before the runs: the date is when the run started.
  const machine = describeMachine()
  const revisionBefore = gatewayRevision(benchDir)
  const records: RunRecord[] = []
  for (let repetition = 1; repetition <= options.runs; repetition++) {
    // Reversing the order every other repetition spreads slow drift in the host over all variants.
    const order = repetition % 2 === 1 ? variants : [...variants].reverse()
    for (const variant of order) records.push(...(await measureVariant(bench, variant, repetition)))
  }
  const revisionAfter = gatewayRevision(benchDir)
  // Uncommitted edits made during the run cannot be seen this way; a commit or a first edit can.
  const revision =
    revisionBefore === revisionAfter ? revisionBefore : `changed during the run: ${revisionBefore} → ${revisionAfter}`
  const summaries = summarize(records, variants, options.connections, bench.reference)
  const report = renderReport({
    title: bench.title,
    summaries,
    options,
    table: bench.table,
    upstream: variants.some((variant) => variant.upstream !== undefined),
    machine,
    pinned: canPin(),
    command: [bench.command, ...process.argv.slice(2)].join(' '),
    revision,
  })
  const resultsDir = join(benchDir, 'results')
  mkdirSync(resultsDir, { recursive: true })
  writeFileSync(join(resultsDir, `${bench.resultsName}.md`), report)
  writeFileSync(
    join(resultsDir, `${bench.resultsName}.json`),
    `${JSON.stringify({ machine, revision, options, records }, null, 2)}\n`,
  )
  console.log(report)
}
