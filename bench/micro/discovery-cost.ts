/**
 * The micro benchmark of discovery: one request through `engine.handle()` and then `engine.complete()`
 * (as an adapter calls it once the response is done), without discovery, and with it at sample rate 1:
 * on a path the framework's route template names, on one whose template must be inferred, with a JSON
 * body, and with sequences off. Everything is in-process. Prints a Markdown table.
 * Usage: `pnpm bench:discovery` (it builds the packages first and runs the built ones).
 */
import { createEngine, type GatewayConfig, type Outcome, type RawRequest } from '@portcullis/node'
import { continues, type MicroCase, type MicroSubject, runMicroBench } from '../lib/micro-bench'
import { rawRequest } from '../lib/raw-request'

let counter = 0
const clients = 500
const json = { 'content-type': 'application/json' }
const booking = JSON.stringify({ hotel: 'h1', roomType: 'double', checkIn: '2026-12-24', nights: 3, guest: 'Ada' })

/** A request from one of `clients` sessions, for a fresh id each time (as real traffic is). */
const get = (): RawRequest => {
  counter++
  return rawRequest('GET', `/api/v1/accounts/${100_000 + counter}/invoices?limit=10`, {
    'x-client': `c${counter % clients}`,
  })
}
const post = (): RawRequest => {
  counter++
  return rawRequest('POST', '/api/v1/bookings', { ...json, 'x-client': `c${counter % clients}` }, booking)
}

/** A case: handle, then complete with a 200 and (optionally) the framework's route template. */
const subject =
  (config: GatewayConfig, request: () => RawRequest, routeTemplate?: string, readBody = false) =>
  (): MicroSubject => {
    const engine = createEngine(config)
    return {
      engine,
      async handle(): Promise<Outcome> {
        const outcome = await engine.handle(request())
        if (readBody && outcome.kind === 'continue') await outcome.ctx.request.body.json()
        engine.complete(outcome.ctx, { status: 200, routeTemplate })
        return outcome
      },
    }
  }

const discovery: GatewayConfig = { discovery: { sessionKey: { header: 'x-client' } } }
const cases: MicroCase[] = [
  { name: 'no discovery', setup: subject({}, get), expect: continues },
  {
    name: 'discovery, framework route template',
    setup: subject(discovery, get, '/api/v1/accounts/:id/invoices'),
    expect: continues,
  },
  { name: 'discovery, inferred template', setup: subject(discovery, get), expect: continues },
  {
    name: 'discovery, inferred, sequences off',
    setup: subject({ discovery: { ...discovery.discovery, sequences: false } }, get),
    expect: continues,
  },
  { name: 'no discovery, POST JSON read by the app', setup: subject({}, post, undefined, true), expect: continues },
  { name: 'discovery, POST JSON read by the app', setup: subject(discovery, post, undefined, true), expect: continues },
]

await runMicroBench('Discovery cost', cases)
