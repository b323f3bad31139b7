import { parseArgs } from 'node:util'
import { serverCpu } from './pinning'

/** How a benchmark run is shaped. */
export interface BenchOptions<Choice extends { readonly id: string }> {
  /** Measured runs per variant and route; variants are interleaved across them. */
  readonly runs: number
  readonly durationSeconds: number
  readonly warmupSeconds: number
  /** Each route is measured at each of these concurrencies (closed loop, pipelining 1). */
  readonly connections: readonly number[]
  /** What `--only` kept of the benchmark's choices (frameworks, routing setups); all by default. */
  readonly selected: readonly Choice[]
  /** The CPU an upstream process is pinned to, for benchmarks that start one. */
  readonly upstreamCpu: number
  /** `--minimal`: also measure the gateway with no section (only where the spec offers it). */
  readonly minimal: boolean
}

/** What a benchmark offers on its command line. */
export interface OptionSpec<Choice extends { readonly id: string }> {
  /** The command, for the usage text. */
  readonly command: string
  /** What `--only` picks from. */
  readonly choices: readonly Choice[]
  /** The default `--connections`. */
  readonly connections: readonly number[]
  /** Whether the benchmark starts an upstream (then `--upstream-cpu` exists). */
  readonly upstream: boolean
  /** Whether `--minimal` exists (the framework benchmark's `gateway({})` variants). */
  readonly minimal?: boolean
  /** The run shape without `--quick`. Default: 3 runs x 10 s after a 3 s warm-up. */
  readonly defaults?: { readonly runs: number; readonly durationSeconds: number; readonly warmupSeconds: number }
}

const standardShape = { runs: 3, durationSeconds: 10, warmupSeconds: 3 }

export function usage(spec: OptionSpec<{ readonly id: string }>): string {
  const upstream = spec.upstream ? ` [--upstream-cpu N]` : ''
  const shape = spec.defaults ?? standardShape
  return `Usage: ${spec.command} [--quick] [--runs N] [--duration S] [--warmup S] [--connections N[,N…]]${upstream}${spec.minimal === true ? ' [--minimal]' : ''} [--only ${spec.choices
    .map((choice) => choice.id)
    .join(',')}]
  default: ${shape.runs} runs x ${shape.durationSeconds} s, ${shape.warmupSeconds} s warm-up, ${spec.connections.join(' and ')} connection(s)${
    spec.upstream ? `, upstream on CPU ${serverCpu}` : ''
  }; --quick: 1 run x 3 s`
}

/** Reads the runner's options; `--quick` changes the defaults, explicit flags still win. */
export function benchOptions<Choice extends { readonly id: string }>(
  spec: OptionSpec<Choice>,
  args = process.argv.slice(2),
): BenchOptions<Choice> {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      ...(spec.minimal === true ? { minimal: { type: 'boolean' } } : {}),
      ...(spec.upstream ? { 'upstream-cpu': { type: 'string' } } : {}),
    },
  })
  const integer = (name: string, value: string | undefined, fallback: number, min: number): number => {
    const parsed = value === undefined ? fallback : Number(value)
    if (!Number.isInteger(parsed) || parsed < min)
      throw new Error(`--${name} ${value}: expected an integer >= ${min}\n${usage(spec)}`)
    return parsed
  }
  const only = values.only?.split(',')
  const selected = only === undefined ? spec.choices : spec.choices.filter((choice) => only.includes(choice.id))
  if (selected.length === 0) throw new Error(`--only: ${values.only}\n${usage(spec)}`)
  const connections =
    values.connections === undefined
      ? spec.connections
      : values.connections.split(',').map((count) => integer('connections', count, 0, 1))
  const upstreamCpu = values['upstream-cpu']
  const shape = spec.defaults ?? standardShape
  return {
    runs: integer('runs', values.runs, values.quick ? 1 : shape.runs, 1),
    durationSeconds: integer('duration', values.duration, values.quick ? 3 : shape.durationSeconds, 1),
    warmupSeconds: integer('warmup', values.warmup, shape.warmupSeconds, 0),
    minimal: values.minimal === true,
    connections,
    selected,
    upstreamCpu: integer('upstream-cpu', typeof upstreamCpu === 'string' ? upstreamCpu : undefined, serverCpu, 0),
  }
}
