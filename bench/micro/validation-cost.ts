/**
 * The micro benchmark of OpenAPI validation: `engine.handle()` per request without a document, then
 * with one (path and query parameters; a JSON body; a body that is refused), and on the 197-operation
 * Twilio description with a form body when the shared fixture is present. Everything is in-process,
 * so it measures the gateway's own work. Prints a Markdown table.
 * Usage: `pnpm bench:validation` (it builds the packages first and runs the built ones).
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createEngine, type GatewayConfig, type Outcome, type RawRequest } from '@portcullis/node'
import { continues, type MicroCase, type MicroSubject, runMicroBench } from '../lib/micro-bench'
import { rawRequest } from '../lib/raw-request'

const json = { 'content-type': 'application/json' }
const booking = JSON.stringify({ hotel: 'h1', roomType: 'double', checkIn: '2026-12-24', nights: 3, guest: 'Ada' })

/** The hotel demo's booking and availability operations, trimmed to what the bench sends. */
const hotelDocument = {
  openapi: '3.0.3',
  info: { title: 'Hotel booking API', version: '1.0.0' },
  paths: {
    '/hotels/{hotelId}/dates': {
      get: {
        parameters: [
          { name: 'hotelId', in: 'path', required: true, schema: { type: 'string', pattern: '^h[0-9]{1,3}$' } },
          { name: 'days', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 60, default: 14 } },
        ],
        responses: { '200': { description: 'Dates with rooms free.' } },
      },
    },
    '/bookings': {
      post: {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/NewBooking' } } },
        },
        responses: { '201': { description: 'The booking.' } },
      },
    },
  },
  components: {
    schemas: {
      NewBooking: {
        type: 'object',
        additionalProperties: false,
        required: ['hotel', 'roomType', 'checkIn', 'nights', 'guest'],
        properties: {
          hotel: { type: 'string', pattern: '^h[0-9]{1,3}$' },
          roomType: { type: 'string', enum: ['single', 'double', 'suite'] },
          checkIn: { type: 'string', format: 'date' },
          nights: { type: 'integer', minimum: 1, maximum: 30 },
          guest: { type: 'string', minLength: 1, maxLength: 100 },
        },
      },
    },
  },
}

async function refusedWith400(outcome: Outcome): Promise<void> {
  if (outcome.kind !== 'respond' || outcome.response.status !== 400) throw new Error('not refused with 400')
}

/** A case: an engine with `config`, sent the request `request` builds. */
const subject = (config: GatewayConfig, request: () => RawRequest) => (): MicroSubject => {
  const engine = createEngine(config)
  return { engine, handle: () => engine.handle(request()) }
}

const hotel: GatewayConfig = { openapi: hotelDocument }
const cases: MicroCase[] = [
  {
    name: 'no OpenAPI document, POST with a JSON body',
    setup: subject({}, () => rawRequest('POST', '/bookings', json, booking)),
    expect: continues,
  },
  {
    name: 'GET, a path and a query parameter',
    setup: subject(hotel, () => rawRequest('GET', '/hotels/h12/dates?days=30')),
    expect: continues,
  },
  {
    name: 'POST, a JSON body of five fields',
    setup: subject(hotel, () => rawRequest('POST', '/bookings', json, booking)),
    expect: continues,
  },
  {
    name: 'POST, a JSON body refused (400 problem)',
    setup: subject(hotel, () => rawRequest('POST', '/bookings', json, booking.replace('"double"', '"penthouse"'))),
    expect: refusedWith400,
  },
]

// A large real-world description, read in place from the shared fixtures when they are beside the repo.
const twilio = fileURLToPath(new URL('../../../shared/fixtures/openapi/twilio_api_v2010.json', import.meta.url))
if (existsSync(twilio)) {
  const target = '/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json'
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  cases.push({
    name: 'Twilio (197 operations), POST a form body',
    setup: subject({ openapi: twilio }, () =>
      rawRequest('POST', target, form, 'To=%2B15558675310&From=%2B15017122661&Body=Hi'),
    ),
    expect: continues,
  })
}

await runMicroBench('OpenAPI validation cost', cases)
