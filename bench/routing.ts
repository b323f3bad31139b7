/**
 * The routing benchmark (issue 7): the upstream (the bare node:http server) measured directly, then
 * the Node gateway in front of it with a route that proxies to it, answering the same routes from
 * an in-process handler, and serving them from its response cache. Gateway and upstream share
 * CPU 0 (`--upstream-cpu` moves the upstream), autocannon runs on CPU 1. Writes
 * bench/results/routing.md (and the raw runs as JSON). Then runs the in-process micro benchmark
 * of routing, micro/routing-cost.ts, in a process of its own.
 * Usage: `pnpm bench:routing [--quick]`; `--micro` runs the micro benchmark alone, `--no-micro` the
 * load benchmark alone; see lib/options.ts for the rest.
 */
import { execFileSync } from 'node:child_process'
import { runLoadBench } from './lib/load-bench'
import { benchOptions } from './lib/options'
import { routingTable } from './lib/report'
import { routingSetups, routingVariants } from './lib/workload'

const command = 'pnpm bench:routing'
const args = process.argv.slice(2)
const microOnly = args.includes('--micro')
const loadOnly = args.includes('--no-micro')
// 50 connections to see throughput and CPU per request, 1 to see the latency the hop adds on its own.
const options = benchOptions(
  { command, choices: routingSetups, connections: [50, 1], upstream: true },
  args.filter((arg) => arg !== '--micro' && arg !== '--no-micro'),
)

if (!microOnly) {
  await runLoadBench({
    command,
    title: 'Portcullis routing benchmark',
    variants: routingVariants(options.selected),
    options,
    table: routingTable,
    resultsName: 'routing',
  })
}
// Its harness re-runs its own script once per case, so it cannot share this process.
if (!loadOnly)
  execFileSync(process.execPath, ['--import', 'tsx', 'micro/routing-cost.ts'], {
    cwd: import.meta.dirname,
    stdio: 'inherit',
  })
