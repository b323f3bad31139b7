import type { MachineInfo } from './machine'
import type { BenchOptions } from './options'
import { loadCpu, serverCpu } from './pinning'
import type { Summary } from './summary'

/** What the report is built from. */
export interface ReportInput {
  /** The report's heading. */
  readonly title: string
  readonly summaries: readonly Summary[]
  readonly options: BenchOptions<{ readonly id: string }>
  /** Renders the results table (the one that goes into docs/benchmarks.md). */
  readonly table: (summaries: readonly Summary[], runs: number) => string
  /** Whether any variant starts an upstream process (the protocol then says where it ran). */
  readonly upstream: boolean
  readonly machine: MachineInfo
  readonly pinned: boolean
  readonly command: string
  /** The gateway code measured (see lib/revision.ts). */
  readonly revision: string
}

const whole = (value: number) => Math.round(value).toLocaleString('en-US')
const millis = (value: number) => value.toFixed(2)
const percent = (ratio: number) => `${Math.round(ratio * 100)}%`
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(Math.round(value))}`
const signedMillis = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`

/** The route, with the concurrency when a run measured more than one. */
const routeLabel = (s: Summary, summaries: readonly Summary[]) =>
  summaries.some((other) => other.connections !== s.connections)
    ? `${s.route.label}, ${s.connections} conn.`
    : s.route.label

const requestRate = (s: Summary) => {
  const rps = s.requestsPerSecond
  return `${whole(rps.median)} (${whole(rps.min)}–${whole(rps.max)})`
}

const ratioCell = (s: Summary) => {
  const cost = s.baselineCost
  return cost === undefined
    ? '—'
    : `**${percent(cost.ratioOfMedians)}** (${percent(cost.pairedRatios.min)}–${percent(cost.pairedRatios.max)})`
}

function frameworkRow(s: Summary, summaries: readonly Summary[]): string {
  const cost = s.baselineCost
  const cpu =
    cost === undefined
      ? whole(s.cpuMicrosPerRequest)
      : `${whole(s.cpuMicrosPerRequest)} (${signed(cost.addedCpuMicros)})`
  return [
    s.variant.label,
    routeLabel(s, summaries),
    requestRate(s),
    millis(s.p50Ms),
    millis(s.p99Ms),
    `${s.non2xx} / ${s.errors}`,
    cpu,
    ratioCell(s),
    s.vsReference === undefined ? '—' : percent(s.vsReference),
    s.vsPeer === undefined ? '—' : `**${s.vsPeer.toFixed(2)}×**`,
  ].join(' | ')
}

/** The framework benchmark's results table, as it goes into docs/benchmarks.md. */
export function frameworkTable(summaries: readonly Summary[], runs: number): string {
  return [
    `| Server | Route | req/s, median of ${runs} (min–max) | p50 ms | p99 ms | non-2xx / errors | server CPU µs per request (added over bare) | ÷ bare same framework, ratio of medians (per-run pairs) | vs bare node:http | vs peer stack |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...summaries.map((s) => `| ${frameworkRow(s, summaries)} |`),
  ].join('\n')
}

function routingRow(s: Summary, summaries: readonly Summary[]): string {
  const cost = s.baselineCost
  const upstream = s.upstreamCpuMicrosPerRequest
  const cpu =
    upstream === undefined
      ? whole(s.cpuMicrosPerRequest)
      : `${whole(s.serverCpuMicrosPerRequest)} + ${whole(upstream)} = ${whole(s.cpuMicrosPerRequest)}`
  return [
    s.variant.label,
    routeLabel(s, summaries),
    requestRate(s),
    millis(s.p50Ms),
    millis(s.p99Ms),
    `${s.non2xx} / ${s.errors}`,
    cpu,
    ratioCell(s),
    cost === undefined ? '—' : `${signedMillis(cost.addedP50Ms)} / ${signedMillis(cost.addedP99Ms)}`,
    cost === undefined ? '—' : signed(cost.addedCpuMicros),
  ].join(' | ')
}

/** The routing benchmark's results table: each way of answering against the upstream measured directly. */
export function routingTable(summaries: readonly Summary[], runs: number): string {
  return [
    `| Setup | Route | req/s, median of ${runs} (min–max) | p50 ms | p99 ms | non-2xx / errors | CPU µs per request (gateway + upstream) | ÷ direct, ratio of medians (per-run pairs) | added p50 / p99 ms | added CPU µs per request |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...summaries.map((s) => `| ${routingRow(s, summaries)} |`),
  ].join('\n')
}

function detailRow(s: Summary, summaries: readonly Summary[]): string {
  const perRun = s.runs.map((r) => whole(r.requestsPerSecond)).join(' / ')
  return [
    s.variant.label,
    routeLabel(s, summaries),
    perRun,
    percent(s.serverCpuShare),
    s.upstreamCpuShare === undefined ? '—' : percent(s.upstreamCpuShare),
    percent(s.loadCpuShare),
    percent(s.otherCpuShare),
  ].join(' | ')
}

/** The per-run detail: where each median came from, and which side was the bottleneck. */
export function detailTable(summaries: readonly Summary[]): string {
  return [
    '| Server | Route | req/s per run (repetition order) | server CPU (of one core) | upstream CPU (of one core) | load generator CPU (of one core) | rest of the machine, worst run (of one core) |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...summaries.map((s) => `| ${detailRow(s, summaries)} |`),
  ].join('\n')
}

/** The whole Markdown report written to bench/results/. */
export function renderReport(input: ReportInput): string {
  const { machine, options } = input
  const upstream = input.upstream
    ? options.upstreamCpu === serverCpu
      ? `, upstream sharing CPU ${serverCpu} with it`
      : `, upstream on CPU ${options.upstreamCpu}`
    : ''
  const pinning = input.pinned
    ? `server pinned to CPU ${serverCpu} (\`taskset -c ${serverCpu}\`)${upstream}, load generator (autocannon) pinned to CPU ${loadCpu} (\`taskset -c ${loadCpu}\`)`
    : '**unpinned** (taskset not found): server and load generator share the CPUs, so the numbers are not comparable with pinned runs'
  const connections = options.connections.join(' and ')
  return `# ${input.title}

- Date: ${machine.date}
- Machine: ${machine.cpuModel}, ${machine.cpuCount} CPUs, Linux ${machine.kernel}, Node.js ${machine.node}
- Gateway code: ${input.revision}
- Command: \`${input.command}\`
- Protocol: fresh server processes per variant and repetition; ${pinning}. Per route: ${options.warmupSeconds} s warm-up
  (discarded), then ${options.durationSeconds} s measured with ${connections} connection(s), pipelining 1.
  ${options.runs} repetition(s); the order of the variants is reversed on every other repetition, and each variant
  runs close in time to the one it is compared with.

## Results

${input.table(input.summaries, options.runs)}

- Latencies are the median over runs of each run's p50 and p99, taken from every response's own time (sub-millisecond),
  in a closed loop: with N connections, latency is mostly queueing (p50 ≈ N ÷ req/s).
- CPU µs per request is the server process's (and its upstream's) user + system CPU time over the responses served in
  the window; unlike req/s, it stays meaningful when the load generator rather than the server set the pace.
- Ratios compare each variant with the one it is held against (the same framework bare, the upstream called directly);
  the range in brackets is the ratio of the two runs of each repetition.

## Per run

${detailTable(input.summaries)}

A load generator near 100% of its core means it, not the server, limited that run; the server's req/s is then a floor.
The rest of the machine is every CPU's busy time (steal included) minus the benchmark's processes: well above a few
percent, something else competed with the run, and its numbers should not be trusted.
`
}
