/**
 * Regenerates `examples/hotel/fixtures/hotel-traffic.har`, the recorded traffic `portcullis discover`
 * and `portcullis recommend` are tested on:
 *
 *   npx tsx --conditions=development packages/cli/test/make-hotel-har.ts
 *
 * It starts the hotel demo in-process (its rate limits lifted, or the one client IP all requests
 * come from would be refused after ten price lookups), sends a seeded mix of traffic and writes each
 * request and response as a HAR 1.2 entry, one a line:
 * - 80 app sessions (`x-client-id: mobile-<n>`) browsing hotels, dates and prices, sometimes the
 *   room types; some book with the partner API key and read the booking back; a few mistype a date;
 * - 3 scrapers (`x-client-id: scraper-<n>`) walking the prices of hotels h1, h2… up to h30 (most
 *   unknown: 404), 20 to 30 requests each within a 10-minute window;
 * - a few anonymous requests without `x-client-id`.
 * Statuses, sizes and durations are the demo's real answers; the start times are simulated (sessions
 * spread over an hour, with think time) so the peaks per window look like real use. The same seed
 * gives the same requests; only durations and booking ids differ between runs. API keys are
 * written as `<redacted>`. Response bodies are left out to keep the file small.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHotelApp } from '../../../examples/hotel/src/app'
import { demoKeys } from '../../../examples/hotel/src/demo-keys'
import { startHotelServices } from '../../../examples/hotel/src/services/service-servers'

const output = new URL('../../../examples/hotel/fixtures/hotel-traffic.har', import.meta.url)
const origin = 'http://localhost:3000'
const start = Date.parse('2026-03-02T08:00:00Z')
const second = 1000
const minute = 60 * second

// mulberry32: a small seeded generator, so the fixture is the same on every run.
let seed = 20260302
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1))
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T

interface Session {
  bookingId?: string
}

interface Planned {
  readonly at: number
  readonly method: 'GET' | 'POST'
  readonly target: (session: Session) => string
  readonly headers: Record<string, string>
  readonly body?: string
  readonly session: Session
  /** After the answer: what the session remembers of it. */
  readonly remember?: (session: Session, json: unknown) => void
}

const planned: Planned[] = []
const isoDay = (day: number) => new Date(start + day * 86_400_000).toISOString().slice(0, 10)
const guests = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Ken Thompson']

function appSession(n: number): void {
  const session: Session = {}
  const headers = { 'x-client-id': `mobile-${n}` }
  let at = start + Math.floor(random() * 55 * minute)
  const get = (target: string | ((s: Session) => string), extra: Record<string, string> = {}) => {
    at += between(2, 25) * second
    const to = typeof target === 'string' ? () => target : target
    planned.push({ at, method: 'GET', target: to, headers: { ...headers, ...extra }, session })
  }
  // The app caches the hotel list: most sessions, not all, fetch it.
  if (random() < 0.7) get('/api/v1/hotels')
  // Most look at one hotel; a few compare two or three: the tail a limit must leave room for.
  const roll = random()
  const browsed = roll < 0.04 ? 3 : roll < 0.12 ? 2 : 1
  for (const hotel of ['h1', 'h2', 'h3'].sort(() => random() - 0.5).slice(0, browsed)) {
    get(`/api/v1/hotels/${hotel}/dates?days=${pick([14, 14, 30, 60])}`)
    // The app shows the prices of the first night and the next one.
    const first = between(3, 50)
    for (let night = 0; night < 2; night++) {
      // One in forty types the date by hand, and the gateway refuses it (format: date).
      const date = random() < 0.025 ? '2026-3-7' : isoDay(first + night)
      get(`/api/v1/hotels/${hotel}/prices?date=${date}`)
    }
  }
  if (random() < 0.3) get('/api/v1/room-types')
  if (random() < 0.15) {
    const partner = { 'x-api-key': demoKeys.partner }
    at += between(20, 90) * second
    const body = JSON.stringify({
      hotel: pick(['h1', 'h2', 'h3']),
      roomType: pick(['single', 'double', 'double', 'suite']),
      checkIn: isoDay(between(3, 50)),
      nights: between(1, 5),
      guest: pick(guests),
    })
    planned.push({
      at,
      method: 'POST',
      target: () => '/api/v1/bookings',
      headers: { ...headers, ...partner, 'content-type': 'application/json' },
      body,
      session,
      remember: (s, json) => {
        const id = (json as { id?: unknown } | undefined)?.id
        if (typeof id === 'string') s.bookingId = id
      },
    })
    if (random() < 0.6) get((s) => `/api/v1/bookings/${s.bookingId ?? 'missing'}`, partner)
  }
}

function scraper(n: number, from: number, requests: number, gapSeconds: readonly [number, number]): void {
  const session: Session = {}
  const headers = { 'x-client-id': `scraper-${n}` }
  let at = from
  for (let i = 0; i < requests; i++) {
    at += between(gapSeconds[0] * 10, gapSeconds[1] * 10) * 100
    const target = `/api/v1/hotels/h${(i % 60) + 1}/prices?date=${isoDay(7 + Math.floor(i / 60))}`
    planned.push({ at, method: 'GET', target: () => target, headers, session })
  }
}

for (let n = 1; n <= 80; n++) appSession(n)
// Each within one epoch-aligned 10-minute window, at 30, 25 and 20 requests per window: what a
// scraper sends in the time an app user looks at a hotel or two.
scraper(1, start + 12 * minute, 30, [1, 3])
scraper(2, start + 31 * minute, 25, [2, 4])
scraper(3, start + 40 * minute, 20, [3, 6])
for (let i = 0; i < 4; i++) {
  const at = start + between(0, 59) * minute
  planned.push({ at, method: 'GET', target: () => '/api/v1/hotels', headers: {}, session: {} })
}
planned.sort((a, b) => a.at - b.at)

const services = await startHotelServices(() => start)
const hotel = createHotelApp(services, { rateLimits: [] })
await hotel.gateway.engine.ready()
const server = createServer(hotel.app)
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const entries: string[] = []
for (const request of planned) {
  const target = request.target(request.session)
  const began = performance.now()
  const response = await fetch(`${base}${target}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  })
  const text = await response.text()
  const time = Math.round((performance.now() - began) * 10) / 10
  const contentType = response.headers.get('content-type') ?? 'application/octet-stream'
  if (request.remember !== undefined && contentType.includes('json'))
    request.remember(request.session, JSON.parse(text))
  const url = new URL(target, origin)
  const size = Buffer.byteLength(text)
  const entry = {
    startedDateTime: new Date(request.at).toISOString(),
    time,
    request: {
      method: request.method,
      url: url.href,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: Object.entries(request.headers).map(([name, value]) => ({
        name,
        value: name === 'x-api-key' ? '<redacted>' : value,
      })),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      ...(request.body === undefined ? {} : { postData: { mimeType: 'application/json', text: request.body } }),
      headersSize: -1,
      bodySize: request.body === undefined ? 0 : Buffer.byteLength(request.body),
    },
    response: {
      status: response.status,
      statusText: response.statusText,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      // Left out to keep the file small: the content's mimeType says the one that matters.
      headers: [],
      content: { size, mimeType: contentType },
      redirectURL: '',
      headersSize: -1,
      bodySize: size,
    },
    cache: {},
    timings: { send: 0, wait: time, receive: 0 },
  }
  entries.push(JSON.stringify(entry))
}
server.close()
await hotel.gateway.close()
await services.close()

const log = {
  version: '1.2',
  creator: { name: 'portcullis make-hotel-har', version: '1' },
  comment: 'Hotel demo traffic from packages/cli/test/make-hotel-har.ts: start times simulated, API keys redacted.',
}
// One entry a line: the file stays readable, and a regenerated one diffs line by line.
const head = JSON.stringify({ log }).replace(/\}\}$/, ',"entries":[\n')
mkdirSync(new URL('.', output), { recursive: true })
writeFileSync(output, `${head}${entries.join(',\n')}\n]}}\n`)
const statuses = new Map<number, number>()
for (const entry of entries) {
  const status = (JSON.parse(entry) as { response: { status: number } }).response.status
  statuses.set(status, (statuses.get(status) ?? 0) + 1)
}
console.log(
  `${entries.length} entries to ${output.pathname}; statuses: ${JSON.stringify(Object.fromEntries(statuses))}`,
)
