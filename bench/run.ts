/**
 * The load benchmark: every framework bare and with Portcullis in front, each server on its own
 * CPU and autocannon on the other. Writes bench/results/latest.md (and the raw runs as JSON).
 * Usage: `pnpm bench [--quick]`; see lib/options.ts for the rest.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runLoad } from './lib/load-process'
import { describeMachine } from './lib/machine'
import { benchOptions } from './lib/options'
import { allowedCpus, canPin, serverCpu } from './lib/pinning'
import { probeServer } from './lib/probe'
import { renderReport } from './lib/report'
import { gatewayRevision } from './lib/revision'
import { startServer } from './lib/server-process'
import { type RunRecord, summarize } from './lib/summary'
import { routes, type Variant, variantLabel, variantsOf } from './lib/workload'

const benchDir = import.meta.dirname
const options = benchOptions()
const variants = variantsOf(options.frameworks)
const pinned = canPin()

// Ctrl-C or a kill still runs the exit hooks, which stop the server in flight.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130))

/** Measures every route on one fresh server process. */
async function measureVariant(variant: Variant, repetition: number): Promise<RunRecord[]> {
  const label = variantLabel(variant)
  const server = await startServer(variant, benchDir, label)
  try {
    if (pinned && allowedCpus(server.pid) !== String(serverCpu))
      throw new Error(`${label}: not pinned to CPU ${serverCpu}`)
    await probeServer(server.url, variant, label)
    const records: RunRecord[] = []
    for (const route of routes) {
      const result = await runLoad(
        {
          url: `${server.url}${route.path}`,
          method: route.method,
          headers: route.headers,
          body: route.body,
          connections: options.connections,
          warmupSeconds: options.warmupSeconds,
          durationSeconds: options.durationSeconds,
          serverPid: server.pid,
        },
        benchDir,
      )
      records.push({ variant, route, repetition, result })
      console.error(
        `  run ${repetition}/${options.runs}  ${label.padEnd(24)} ${route.label.padEnd(14)} ` +
          `${Math.round(result.requestsPerSecond).toString().padStart(6)} req/s  p99 ${result.p99Ms.toFixed(2)} ms`,
      )
    }
    return records
  } finally {
    await server.stop()
  }
}

const perRun = routes.length * (options.warmupSeconds + options.durationSeconds)
console.error(
  `${variants.length} variants x ${routes.length} routes x ${options.runs} run(s): about ` +
    `${Math.ceil((variants.length * options.runs * (perRun + 2)) / 60)} min${pinned ? '' : ' (unpinned: taskset not found)'}`,
)
// Taken before the runs: the date is when the run started.
const machine = describeMachine()
const revisionBefore = gatewayRevision(benchDir)
const records: RunRecord[] = []
for (let repetition = 1; repetition <= options.runs; repetition++) {
  // Reversing the order every other repetition spreads slow drift in the host over all variants.
  const order = repetition % 2 === 1 ? variants : [...variants].reverse()
  for (const variant of order) records.push(...(await measureVariant(variant, repetition)))
}

const revisionAfter = gatewayRevision(benchDir)
// Uncommitted edits made during the run cannot be seen this way; a commit or a first edit can.
const revision =
  revisionBefore === revisionAfter ? revisionBefore : `changed during the run: ${revisionBefore} → ${revisionAfter}`
const summaries = summarize(records, variants, routes)
const command = ['pnpm bench', ...process.argv.slice(2)].join(' ')
const report = renderReport({ summaries, options, machine, pinned, command, revision })
const resultsDir = join(benchDir, 'results')
mkdirSync(resultsDir, { recursive: true })
writeFileSync(join(resultsDir, 'latest.md'), report)
writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify({ machine, revision, options, records }, null, 2)}\n`)
console.log(report)
