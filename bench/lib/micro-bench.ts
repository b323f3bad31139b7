/**
 * The shared harness of the in-process micro benchmarks. Each case is one `engine.handle()` per
 * call; it is checked once before it is timed (a refusal is cheaper than the work the case claims
 * to measure). Every case runs in a process of its own, pinned to one CPU, several times: cases
 * timed in one process warm the JIT for each other, which moved results by 2× between runs. The
 * table gives the median run of each case, relative to the first case.
 */
import type { Engine, Outcome } from '@portcullis/node'
import { Bench } from 'tinybench'
import { runCaseProcess } from './case-process'
import { describeMachine } from './machine'
import { canPin, serverCpu } from './pinning'

const caseVariable = 'PORTCULLIS_MICRO_CASE'
const runsPerCase = 3

/** What a case times: an engine, and one request through it. */
export interface MicroSubject {
  readonly engine: Engine
  /** One request through the engine, built fresh each call as an adapter builds one per request. */
  readonly handle: () => Promise<Outcome>
  /**
   * What the adapter does with the outcome next, timed with it: reading the body of a response the
   * gateway answered. The check sees the outcome before this runs.
   */
  readonly finish?: (outcome: Outcome) => Promise<unknown>
  /** Releases what the case opened besides the engine (a Redis connection). */
  readonly close?: () => Promise<void>
}

export interface MicroCase {
  readonly name: string
  /** Builds the subject; runs only in the case's own process. */
  readonly setup: () => MicroSubject | Promise<MicroSubject>
  /** Throws unless the outcome is the one the case is about. */
  readonly expect: (outcome: Outcome) => Promise<void>
}

interface CaseResult {
  /** Mean latency in ms. */
  readonly mean: number
  /** Relative margin of error (95%), in percent. */
  readonly rme: number
}

/** In a case's own process: times that case and prints its result as the last line. */
async function timeCase(microCase: MicroCase): Promise<void> {
  const subject = await microCase.setup()
  await subject.engine.ready()
  await microCase.expect(await subject.handle()).catch((error: unknown) => {
    throw new Error(`${microCase.name}: ${error instanceof Error ? error.message : String(error)}`)
  })
  const bench = new Bench({ name: microCase.name, time: 2_000, warmupTime: 500 })
  // Without a finish step, the timed call is the one the earlier tables were taken with.
  const { finish } = subject
  const timed =
    finish === undefined
      ? () => subject.handle().then(() => undefined)
      : () =>
          subject
            .handle()
            .then(finish)
            .then(() => undefined)
  bench.add(microCase.name, timed)
  await bench.run()
  await subject.engine.close()
  await subject.close?.()
  const result = bench.getTask(microCase.name)?.result
  if (result === undefined || !('latency' in result)) throw new Error(`${microCase.name}: no result`)
  console.log(JSON.stringify({ mean: result.latency.mean, rme: result.latency.rme } satisfies CaseResult))
}

const median = (results: readonly CaseResult[]): CaseResult => {
  const sorted = [...results].sort((a, b) => a.mean - b.mean)
  return sorted[Math.floor(sorted.length / 2)] as CaseResult
}

/** Times every case (each in its own processes) and prints the Markdown table. */
export async function runMicroBench(title: string, cases: readonly MicroCase[]): Promise<void> {
  const only = process.env[caseVariable]
  if (only !== undefined) {
    const microCase = cases.find((candidate) => candidate.name === only)
    if (microCase === undefined) throw new Error(`no case named ${only}`)
    return timeCase(microCase)
  }
  const results = new Map<string, CaseResult>()
  for (const microCase of cases) {
    const runs: CaseResult[] = []
    for (let run = 0; run < runsPerCase; run++)
      runs.push(await runCaseProcess<CaseResult>(caseVariable, microCase.name))
    results.set(microCase.name, median(runs))
  }
  const machine = describeMachine()
  const pinning = canPin() ? `pinned to CPU ${serverCpu}` : 'unpinned (no taskset)'
  console.log(`${title} per request: ${machine.cpuModel}, Node ${machine.node}, ${machine.date}`)
  console.log(`Each case in its own process, ${pinning}; the median of ${runsPerCase} runs.\n`)
  console.log(`| Case | Mean (µs/request) | ± (95%) | ops/s | Relative to ${cases[0]?.name} |`)
  console.log('| --- | ---: | ---: | ---: | ---: |')
  const baseline = results.get(cases[0]?.name ?? '')?.mean ?? Number.NaN
  for (const microCase of cases) {
    const { mean, rme } = results.get(microCase.name) as CaseResult
    // ops/s as 1 / mean latency, so the two columns agree (tinybench's throughput mean is a mean of rates).
    console.log(
      `| ${microCase.name} | ${(mean * 1000).toFixed(2)} | ${rme.toFixed(1)}% | ` +
        `${Math.round(1000 / mean).toLocaleString('en-US')} | ${(mean / baseline).toFixed(2)}× |`,
    )
  }
}

/** Reads the body of a response the gateway answered, as an adapter writing it does. */
export const readResponse = async (outcome: Outcome): Promise<unknown> =>
  outcome.kind === 'respond' ? outcome.response.arrayBuffer() : undefined

/** An outcome check: the request goes on to the app. */
export async function continues(outcome: Outcome): Promise<void> {
  if (outcome.kind !== 'continue') throw new Error(`refused: ${await outcome.response.text()}`)
}
