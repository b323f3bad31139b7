/**
 * `pnpm bench`: the whole benchmark in one command. The load benchmark (every framework bare, with
 * the peer stack a team would assemble instead, and with Portcullis in its full configuration, each
 * server on its own CPU and autocannon on the other), then the engine's cost per stage and its
 * start-up time (micro/stack-cost.ts), its cost per request in a steady loop (micro/steady-state.ts),
 * then its memory under many distinct ids and consumers
 * (memory.ts). Writes everything to bench/results/latest.md (and the raw runs as JSON).
 * Usage: `pnpm bench [--quick]`; see lib/options.ts for the rest.
 */
import { execFileSync } from 'node:child_process'
import { appendFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { publishBenchKey, signBenchJwt, writeDistinctTokens } from './lib/bench-tokens'
import { runLoadBench } from './lib/load-bench'
import { benchOptions } from './lib/options'
import { frameworkTable } from './lib/report'
import { authenticatedRoutes, frameworks, frameworkVariants } from './lib/workload'

const command = 'pnpm bench'
const options = benchOptions({
  command,
  choices: frameworks,
  connections: [50],
  upstream: false,
  minimal: true,
  defaults: { runs: 3, durationSeconds: 4, warmupSeconds: 2 },
})
const key = publishBenchKey()
// Enough distinct tokens that none repeats within a cold run (each is signed here, once).
const tokensFile = writeDistinctTokens(key, 100_000)

try {
  await runLoadBench({
    command,
    title: 'Portcullis load benchmark',
    variants: frameworkVariants(options.selected, authenticatedRoutes(signBenchJwt(key)), options),
    options,
    table: frameworkTable,
    reference: 'node-http',
    resultsName: 'latest',
    tokensFile,
  })
} finally {
  rmSync(tokensFile, { force: true })
}

// The in-process parts, each its own process (they pin their own cases): appended to the report.
const report = join(import.meta.dirname, 'results', 'latest.md')
for (const [title, script, flags] of [
  ['Engine cost per stage, and start-up', 'micro/stack-cost.ts', []],
  ['Engine cost in a steady loop', 'micro/steady-state.ts', []],
  ['Memory', 'memory.ts', ['--expose-gc']],
] as const) {
  console.error(`== ${title}`)
  const output = execFileSync(process.execPath, [...flags, '--import', 'tsx', script], {
    cwd: import.meta.dirname,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  appendFileSync(report, `\n## ${title}\n\n${output}`)
  console.log(output)
}
