/**
 * The micro benchmark of telemetry: one request through `engine.handle()` and then `engine.complete()`
 * (as an adapter calls it once the response is done), without telemetry, with the access log (each line
 * built, redacted and serialised, handed to a function that drops it, so no I/O is timed), with
 * analytics, and with both. Everything is in-process. Prints a Markdown table.
 * Usage: `pnpm bench:telemetry` (it builds the packages first and runs the built ones).
 */
import { createEngine, type GatewayConfig, type Outcome, type RawRequest } from '@portcullis/node'
import { continues, type MicroCase, type MicroSubject, runMicroBench } from '../lib/micro-bench'
import { rawRequest } from '../lib/raw-request'

let counter = 0

/** A request for a fresh id each time, with a query the access log must redact. */
const get = (): RawRequest => {
  counter++
  return rawRequest('GET', `/api/v1/accounts/${100_000 + counter}/invoices?limit=10&access_token=t${counter}`, {
    'user-agent': 'bench/1',
  })
}

/** A case: handle, then complete with a 200 and the framework's route template. */
const subject = (config: GatewayConfig) => (): MicroSubject => {
  const engine = createEngine(config)
  return {
    engine,
    async handle(): Promise<Outcome> {
      const outcome = await engine.handle(get())
      engine.complete(outcome.ctx, { status: 200, bytes: 512, routeTemplate: '/api/v1/accounts/:id/invoices' })
      return outcome
    },
  }
}

const dropLine = (_line: string) => {}
// A queue of one: past the first line each is dropped, so the timing is the line's building and serialising.
const logs = { to: dropLine, headers: ['user-agent'], maxQueue: 1 }
const cases: MicroCase[] = [
  { name: 'no telemetry', setup: subject({}), expect: continues },
  { name: 'access log (line built, not written)', setup: subject({ telemetry: { logs } }), expect: continues },
  { name: 'analytics', setup: subject({ telemetry: { analytics: true } }), expect: continues },
  { name: 'access log and analytics', setup: subject({ telemetry: { logs, analytics: true } }), expect: continues },
]

await runMicroBench('Telemetry cost', cases)
