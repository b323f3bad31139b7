/**
 * The recorded traffic and the gateway config `portcullis replay` is tested on, written to a folder:
 * a small booking API whose config refuses exactly known requests of the traffic (see
 * {@link bookingTraffic}). Keys are made fresh per run; only their hashes go into the config.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateApiKey, hashApiKey } from '@portcullis/core'

/** The API keys the traffic calls with: a partner's (may book) and a reader's (may only read). */
export interface FixtureKeys {
  readonly partner: string
  readonly reader: string
}

/** Fresh keys for a run. */
export function fixtureKeys(): FixtureKeys {
  return { partner: generateApiKey('pk'), reader: generateApiKey('pk') }
}

const openapi = `openapi: 3.1.0
info: { title: Bookings, version: 1.0.0 }
paths:
  /hotels/{hotelId}:
    get:
      parameters: [{ name: hotelId, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: a hotel } }
  /bookings:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [hotelId]
              properties: { hotelId: { type: string } }
      responses: { "201": { description: booked } }
  /bookings/{bookingId}:
    get:
      parameters: [{ name: bookingId, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: a booking } }
  /rooms:
    get:
      responses: { "200": { description: the room types } }
`

/**
 * Writes `openapi.yaml` and `portcullis.yaml` to `dir` and returns the config's path. Anonymous
 * callers may read hotels and rooms; partners book; partners and readers read bookings. Hotel reads
 * are limited to 3 a minute per client IP (enforced); bookings to 2 an hour per consumer, in report
 * mode. GET /rooms is routed to `upstream`. `extra` is appended to the config as it is.
 */
export async function writeReplayConfig(dir: string, keys: FixtureKeys, upstream: string, extra = ''): Promise<string> {
  writeFileSync(join(dir, 'openapi.yaml'), openapi)
  const config = `openapi: ./openapi.yaml
validation: { mode: block, unknownEndpoints: allow }
auth:
  apiKeys:
    keys:
      - { id: partner-1, hash: "${await hashApiKey(keys.partner)}", consumer: acme, groups: [partners] }
      - { id: reader-1, hash: "${await hashApiKey(keys.reader)}", consumer: bob, groups: [readers] }
acl:
  - { match: "GET /hotels/**", allow: [anonymous] }
  - { match: "GET /rooms", allow: [anonymous] }
  - { match: "POST /bookings", allow: [partners] }
  - { match: "GET /bookings/*", allow: [partners, readers] }
rateLimits:
  rules:
    - { name: hotel-reads, match: "GET /hotels/*", by: ip, limit: 3, window: 1m }
    - { name: booking-watch, match: "POST /bookings", by: consumer, limit: 2, window: 1h, mode: report }
routes:
  - { name: rooms, match: "GET /rooms", upstream: "${upstream}" }
${extra}`
  const file = join(dir, 'portcullis.yaml')
  writeFileSync(file, config)
  return file
}

/** One HAR 1.2 entry as the tests write them. */
export interface HarEntry {
  startedDateTime: string
  time: number
  request: {
    method: string
    url: string
    headers: { name: string; value: string }[]
    postData?: { mimeType: string; text: string }
  }
  response?: { status: number }
}

/** The start of the recorded traffic. */
export const recordedStart = Date.parse('2026-03-02T10:00:00Z')

/** A HAR entry `seconds` after {@link recordedStart}. */
export function harEntry(
  seconds: number,
  method: string,
  path: string,
  status: number,
  options: { key?: string; body?: string } = {},
): HarEntry {
  const headers = [{ name: 'User-Agent', value: 'replay-test' }]
  if (options.key !== undefined) headers.push({ name: 'X-Api-Key', value: options.key })
  return {
    startedDateTime: new Date(recordedStart + seconds * 1000).toISOString(),
    time: 12,
    request: {
      method,
      url: `https://api.example${path}`,
      headers,
      ...(options.body === undefined ? {} : { postData: { mimeType: 'application/json', text: options.body } }),
    },
    response: { status },
  }
}

/** Five hotel reads, `gapSeconds` apart, from one client (HAR records no client address). */
export function hotelReads(gapSeconds: number): HarEntry[] {
  return [1, 2, 3, 4, 5].map((n) => harEntry(n * gapSeconds, 'GET', `/hotels/h${n}`, 200))
}

/**
 * The booking API's recorded traffic, with what the config of {@link writeReplayConfig} does to it:
 * - 5 hotel reads 5 s apart: the 4th and 5th are over hotel-reads (429, blocked);
 * - a booking without a key (401), with the reader's key (403), with a body that is not JSON (400);
 * - 3 valid bookings of the partner: the 3rd is over booking-watch, in report mode (would block);
 * - 2 room lookups, routed (answered offline with the recorded 200 and 503), and a reader's booking read;
 * - an entry without a response and one whose URL is neither a URL nor a path (skipped).
 * 14 requests replayed: 8 passed, 5 blocked, 1 would block, 2 routed. The entries are written
 * newest first: the replay must order them by time.
 */
export function bookingTraffic(keys: FixtureKeys): HarEntry[] {
  const booking = JSON.stringify({ hotelId: 'h1' })
  const entries = [
    ...hotelReads(5),
    harEntry(30, 'POST', '/bookings', 401, { body: booking }),
    harEntry(35, 'POST', '/bookings', 403, { key: keys.reader, body: booking }),
    harEntry(40, 'POST', '/bookings', 400, { key: keys.partner, body: '{"hotelId": ' }),
    harEntry(45, 'POST', '/bookings', 201, { key: keys.partner, body: booking }),
    harEntry(50, 'POST', '/bookings', 201, { key: keys.partner, body: booking }),
    harEntry(55, 'POST', '/bookings', 201, { key: keys.partner, body: booking }),
    harEntry(60, 'GET', '/rooms', 200),
    harEntry(65, 'GET', '/rooms', 503),
    harEntry(70, 'GET', '/bookings/b1', 200, { key: keys.reader }),
    { ...harEntry(75, 'GET', '/hotels/h9', 200), response: undefined },
    { ...harEntry(80, 'GET', '/hotels/h9', 200), request: { method: 'GET', url: 'hotels h9', headers: [] } },
  ]
  return entries.reverse()
}

/** A HAR document of `entries`. */
export function harOf(entries: readonly HarEntry[]): string {
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'replay-test', version: '1' }, entries } }, null, 1)
}
