import type { MachineInfo } from './machine'
import type { BenchOptions } from './options'
import type { Summary } from './summary'
import { variantLabel } from './workload'

/** What the report is built from. */
export interface ReportInput {
  readonly summaries: readonly Summary[]
  readonly options: BenchOptions
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

function resultRow(s: Summary): string {
  const rps = s.requestsPerSecond
  const cost = s.gatewayCost
  const cpu =
    cost === undefined
      ? whole(s.cpuMicrosPerRequest)
      : `${whole(s.cpuMicrosPerRequest)} (${signed(cost.addedCpuMicros)})`
  const ratio =
    cost === undefined
      ? '—'
      : `**${percent(cost.ratioOfMedians)}** (${percent(cost.pairedRatios.min)}–${percent(cost.pairedRatios.max)})`
  return [
    variantLabel(s.variant),
    s.route.label,
    `${whole(rps.median)} (${whole(rps.min)}–${whole(rps.max)})`,
    millis(s.p50Ms),
    millis(s.p99Ms),
    `${s.non2xx} / ${s.errors}`,
    cpu,
    ratio,
    s.vsNodeHttp === undefined ? '—' : percent(s.vsNodeHttp),
  ].join(' | ')
}

function detailRow(s: Summary): string {
  const perRun = s.runs.map((r) => whole(r.requestsPerSecond)).join(' / ')
  return [variantLabel(s.variant), s.route.label, perRun, percent(s.serverCpuShare), percent(s.loadCpuShare)].join(
    ' | ',
  )
}

/** The results table alone, as it goes into docs/benchmarks.md. */
export function resultsTable(summaries: readonly Summary[], runs: number): string {
  return [
    `| Server | Route | req/s, median of ${runs} (min–max) | p50 ms | p99 ms | non-2xx / errors | server CPU µs per request (gateway's added) | gateway ÷ bare, ratio of medians (per-run pairs) | vs bare node:http |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...summaries.map((s) => `| ${resultRow(s)} |`),
  ].join('\n')
}

/** The per-run detail: where each median came from, and which side was the bottleneck. */
export function detailTable(summaries: readonly Summary[]): string {
  return [
    '| Server | Route | req/s per run (repetition order) | server CPU (of one core) | load generator CPU (of one core) |',
    '|---|---|---:|---:|---:|',
    ...summaries.map((s) => `| ${detailRow(s)} |`),
  ].join('\n')
}

/** The whole Markdown report written to bench/results/latest.md. */
export function renderReport(input: ReportInput): string {
  const { machine, options } = input
  const pinning = input.pinned
    ? 'server pinned to CPU 0 (`taskset -c 0`), load generator (autocannon) pinned to CPU 1 (`taskset -c 1`)'
    : '**unpinned** (taskset not found): server and load generator share the CPUs, so the numbers are not comparable with pinned runs'
  return `# Portcullis load benchmark

- Date: ${machine.date}
- Machine: ${machine.cpuModel}, ${machine.cpuCount} CPUs, Linux ${machine.kernel}, Node.js ${machine.node}
- Gateway code: ${input.revision}
- Command: \`${input.command}\`
- Protocol: a fresh server process per variant and repetition; ${pinning}. Per route: ${options.warmupSeconds} s warm-up
  (discarded), then ${options.durationSeconds} s measured with ${options.connections} connections, pipelining 1.
  ${options.runs} repetition(s); the order of the variants is reversed on every other repetition, and each gateway
  variant runs right after its bare framework.

## Results

${resultsTable(input.summaries, options.runs)}

- Latencies are the median over runs of each run's p50 and p99, taken from every response's own time (sub-millisecond),
  in a closed loop: with ${options.connections} connections, latency is mostly queueing (p50 ≈ ${options.connections} ÷ req/s).
- Server CPU µs per request is the server process's user + system CPU time over the responses it served in the window;
  unlike req/s, it stays meaningful when the load generator rather than the server set the pace.
- Gateway ÷ bare compares each gateway variant with the same framework bare; the range in brackets is the ratio of the
  two runs made back to back in each repetition.

## Per run

${detailTable(input.summaries)}

A load generator near 100% of its core means it, not the server, limited that run; the server's req/s is then a floor.
`
}
