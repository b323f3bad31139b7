/**
 * The load benchmark: every framework bare and with Portcullis in front, each server on its own
 * CPU and autocannon on the other. Writes bench/results/latest.md (and the raw runs as JSON).
 * Usage: `pnpm bench [--quick]`; see lib/options.ts for the rest.
 */
import { runLoadBench } from './lib/load-bench'
import { benchOptions } from './lib/options'
import { frameworkTable } from './lib/report'
import { frameworks, frameworkVariants } from './lib/workload'

const command = 'pnpm bench'
const options = benchOptions({ command, choices: frameworks, connections: [50], upstream: false })

await runLoadBench({
  command,
  title: 'Portcullis load benchmark',
  variants: frameworkVariants(options.selected),
  options,
  table: frameworkTable,
  reference: 'node-http',
  resultsName: 'latest',
})
