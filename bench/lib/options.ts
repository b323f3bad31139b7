import { parseArgs } from 'node:util'
import { type Framework, frameworks } from './workload'

/** How a benchmark run is shaped. */
export interface BenchOptions {
  /** Measured runs per variant and route; variants are interleaved across them. */
  readonly runs: number
  readonly durationSeconds: number
  readonly warmupSeconds: number
  readonly connections: number
  readonly frameworks: readonly Framework[]
}

export const usage = `Usage: pnpm bench [--quick] [--runs N] [--duration S] [--warmup S] [--connections N] [--only ${frameworks
  .map((f) => f.id)
  .join(',')}]
  default: 3 runs x 10 s, 3 s warm-up, 50 connections; --quick: 1 run x 5 s`

/** Reads the runner's options; `--quick` changes the defaults, explicit flags still win. */
export function benchOptions(args = process.argv.slice(2)): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
    },
  })
  const integer = (name: string, value: string | undefined, fallback: number, min: number): number => {
    const parsed = value === undefined ? fallback : Number(value)
    if (!Number.isInteger(parsed) || parsed < min)
      throw new Error(`--${name} ${value}: expected an integer >= ${min}\n${usage}`)
    return parsed
  }
  const selected =
    values.only === undefined ? frameworks : frameworks.filter((f) => values.only?.split(',').includes(f.id))
  if (selected.length === 0) throw new Error(`--only: ${values.only}\n${usage}`)
  return {
    runs: integer('runs', values.runs, values.quick ? 1 : 3, 1),
    durationSeconds: integer('duration', values.duration, values.quick ? 5 : 10, 1),
    warmupSeconds: integer('warmup', values.warmup, 3, 0),
    connections: integer('connections', values.connections, 50, 1),
    frameworks: selected,
  }
}
