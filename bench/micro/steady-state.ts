/**
 * The engine's cost per request in a steady state: the full configuration of the load benchmark,
 * one request after another for 150,000 requests after 50,000 to warm up, timing `engine.handle()`
 * and `engine.complete()` apart, with each stage's share (from the request's own stage timings). The
 * tinybench cases (stack-cost.ts) run 2.5 s each, too short for the full configuration to reach its
 * steady state; this is the number the "under 10 µs" goal is held against. Every 64 requests the loop
 * yields to the event loop, as a server does, so deferred work (the access log's batched writes)
 * runs: the wall time per request, which also holds building each request, includes it.
 * Usage: `pnpm bench:steady` (it builds the packages first and runs the built ones). Each case runs
 * in processes of its own, pinned, three times; the table gives the run with the median total.
 */
import { createEngine, type RawRequest } from '@portcullis/node'
import { publishBenchKey, signBenchJwt } from '../lib/bench-tokens'
import { runCaseProcess } from '../lib/case-process'
import { describeMachine } from '../lib/machine'
import { canPin, serverCpu } from '../lib/pinning'
import { rawRequest } from '../lib/raw-request'
import { fullGatewayConfig } from '../servers/gateway-configs'

const caseVariable = 'PORTCULLIS_STEADY_CASE'
const warmupRequests = 50_000
const timedRequests = 150_000
const runsPerCase = 3
const requestsPerTurn = 64

const newUser = JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.com', age: 36, role: 'admin' })
const cases: Record<string, (authorization: string) => () => RawRequest> = {
  'full config, GET /users/42, repeated JWT': (authorization) => () =>
    rawRequest('GET', '/users/42', { authorization }),
  'full config, POST /users, repeated JWT': (authorization) => () =>
    rawRequest('POST', '/users', { authorization, 'content-type': 'application/json' }, newUser),
}

interface SteadyResult {
  /** µs per request. */
  readonly handle: number
  /** µs per request of the whole loop: building requests and the deferred work included. */
  readonly wall: number
  readonly complete: number
  /** µs per request by stage (a stage's time runs from the end of the one before it). */
  readonly stages: Readonly<Record<string, number>>
}

/** In the case's own process: the loop, printing its result as the last line. */
async function timeCase(name: string): Promise<void> {
  const request = cases[name]?.(`Bearer ${signBenchJwt(publishBenchKey())}`)
  if (request === undefined) throw new Error(`no case named ${name}`)
  const engine = createEngine(fullGatewayConfig('memory'))
  await engine.ready()
  const loop = async (count: number): Promise<SteadyResult> => {
    let handle = 0
    let complete = 0
    const stages: Record<string, number> = {}
    const loopStarted = performance.now()
    for (let index = 0; index < count; index++) {
      if (index % requestsPerTurn === 0) await new Promise((resolve) => setImmediate(resolve))
      const raw = request()
      const started = performance.now()
      const outcome = await engine.handle(raw)
      const handled = performance.now()
      if (outcome.kind !== 'continue') throw new Error(`${name}: refused with ${outcome.response.status}`)
      engine.complete(outcome.ctx, { status: 200, bytes: 64, routeTemplate: undefined })
      complete += performance.now() - handled
      handle += handled - started
      for (const timing of outcome.ctx.timings) stages[timing.stage] = (stages[timing.stage] ?? 0) + timing.durationMs
    }
    const perRequest = (ms: number) => (ms * 1000) / count
    return {
      wall: perRequest(performance.now() - loopStarted),
      handle: perRequest(handle),
      complete: perRequest(complete),
      stages: Object.fromEntries(Object.entries(stages).map(([stage, ms]) => [stage, perRequest(ms)])),
    }
  }
  await loop(warmupRequests)
  const result = await loop(timedRequests)
  await engine.close()
  console.log(JSON.stringify(result))
}

const total = (result: SteadyResult) => result.handle + result.complete

async function report(): Promise<void> {
  const machine = describeMachine()
  const pinning = canPin() ? `pinned to CPU ${serverCpu}` : 'unpinned (no taskset)'
  console.log(`Engine cost per request in a steady loop: ${machine.cpuModel}, Node ${machine.node}, ${machine.date}`)
  console.log(
    `${timedRequests.toLocaleString('en-US')} requests after ${warmupRequests.toLocaleString('en-US')} to warm up, ` +
      `each case in its own process, ${pinning}; the run with the median total of ${runsPerCase}.\n`,
  )
  console.log('| Case | handle (µs) | complete (µs) | total (µs) | loop wall (µs) | handle by stage (µs) |')
  console.log('| --- | ---: | ---: | ---: | ---: | --- |')
  for (const name of Object.keys(cases)) {
    const runs: SteadyResult[] = []
    for (let run = 0; run < runsPerCase; run++) runs.push(await runCaseProcess<SteadyResult>(caseVariable, name))
    const median = [...runs].sort((a, b) => total(a) - total(b))[Math.floor(runs.length / 2)] as SteadyResult
    const stages = Object.entries(median.stages)
      .map(([stage, us]) => `${stage} ${us.toFixed(1)}`)
      .join(', ')
    console.log(
      `| ${name} | ${median.handle.toFixed(1)} | ${median.complete.toFixed(1)} | ${total(median).toFixed(1)} | ` +
        `${median.wall.toFixed(1)} | ${stages} |`,
    )
  }
}

const only = process.env[caseVariable]
if (only !== undefined) await timeCase(only)
else await report()
