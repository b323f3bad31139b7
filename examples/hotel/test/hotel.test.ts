import { type Listening, listen, rawHttp } from '@portcullis/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHotelApp } from '../src/app'
import { issueDemoToken } from '../src/demo-idp/demo-idp'
import { demoKeys } from '../src/demo-keys'
import { logRequests } from '../src/request-log'
import { startHotelServices } from '../src/services/service-servers'

const json = { 'content-type': 'application/json' }
const booking = JSON.stringify({ hotel: 'h1', roomType: 'double', checkIn: '2026-12-24', nights: 2, guest: 'Ada' })

const fixedNow = () => Date.parse('2026-12-01T12:00:00Z')
// The services the routes send dates and room types to: one set on the fixed clock, one on the real one.
const fixedServices = await startHotelServices(fixedNow)
const services = await startHotelServices()
afterAll(() => Promise.all([fixedServices.close(), services.close()]))

/** Starts a hotel app for the enclosing `describe` block (the gateway ready first) and stops it after. */
function useHotel(hotel: ReturnType<typeof createHotelApp>): { readonly url: string } {
  let server: Listening | undefined
  beforeAll(async () => {
    await hotel.gateway.engine.ready()
    server = await listen(hotel.app)
  })
  afterAll(async () => {
    await server?.close()
    await hotel.gateway.close()
  })
  return {
    get url() {
      if (server === undefined) throw new Error('the hotel app is not listening')
      return server.url
    },
  }
}

describe('hotel demo', () => {
  const lines: string[] = []
  const hotel = createHotelApp(fixedServices)
  logRequests(hotel.gateway.engine, (line) => lines.push(line))

  const server = useHotel(hotel)

  it('serves the public services to anyone, with a request id', async () => {
    const hotels = await rawHttp(server.url, { target: '/api/v1/hotels' })
    expect(hotels.status).toBe(200)
    expect(hotels.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const dates = await rawHttp(server.url, { target: '/api/v1/hotels/h1/dates?days=10' })
    expect((dates.json as { available: string[] }).available.length).toBeGreaterThan(5)
    const prices = await rawHttp(server.url, { target: '/api/v1/hotels/h2/prices?date=2026-12-26' })
    expect(prices.json).toMatchObject({ hotel: 'h2', prices: [{ roomType: 'single', amount: 111.25 }, {}, {}] })
    const rooms = await rawHttp(server.url, { target: '/api/v1/room-types', headers: { 'x-request-id': 'demo-1' } })
    expect(rooms.headers['x-request-id']).toBe('demo-1')
    expect(rooms.headers['x-cache']).toBe('MISS')
  })

  it('takes a booking from a partner with an API key, and finds it again', async () => {
    const headers = { ...json, 'x-api-key': demoKeys.partner }
    const created = await rawHttp(server.url, { method: 'POST', target: '/api/v1/bookings', headers, body: booking })
    expect(created.status).toBe(201)
    const result = created.json as { id: string; totalEur: number; requestId: string; bookedBy: string }
    expect(result.totalEur).toBe(129 + 129 * 1.25)
    expect(result.bookedBy).toBe('acme-travel')
    const found = await rawHttp(server.url, {
      target: `/api/v1/bookings/${result.id}`,
      headers: { 'x-api-key': demoKeys.reader },
    })
    expect(found.json).toEqual(result)
  })

  it('takes a booking from the mobile app with a JWT that has the scope', async () => {
    const token = await rawHttp(server.url, {
      method: 'POST',
      target: '/demo-idp/token',
      headers: json,
      body: '{"user":"ada","scope":"bookings:write"}',
    })
    const accessToken = (token.json as { access_token: string }).access_token
    const created = await rawHttp(server.url, {
      method: 'POST',
      target: '/api/v1/bookings',
      headers: { ...json, authorization: `Bearer ${accessToken}` },
      body: booking,
    })
    expect(created.status).toBe(201)
    expect((created.json as { bookedBy: string }).bookedBy).toBe('ada')
  })

  it('refuses bookings without credentials, with the wrong group, or without the scope', async () => {
    const anonymous = await rawHttp(server.url, {
      method: 'POST',
      target: '/api/v1/bookings',
      headers: json,
      body: booking,
    })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers['www-authenticate']).toBe('ApiKey realm="api", Bearer realm="api"')
    const reader = await rawHttp(server.url, {
      method: 'POST',
      target: '/api/v1/bookings',
      headers: { ...json, 'x-api-key': demoKeys.reader },
      body: booking,
    })
    expect([reader.status, (reader.json as { code: string }).code]).toEqual([403, 'acl.forbidden'])
    const readOnly = await issueDemoToken('bob', ['bookings:read'])
    const scoped = await rawHttp(server.url, {
      method: 'POST',
      target: '/api/v1/bookings',
      headers: { ...json, authorization: `Bearer ${readOnly}` },
      body: booking,
    })
    expect([scoped.status, (scoped.json as { code: string }).code]).toEqual([403, 'acl.insufficient_scope'])
    expect(scoped.headers['www-authenticate']).toContain('error="insufficient_scope"')
  })

  it('answers bad input with problem+json, from the gateway and from the app alike', async () => {
    const ambiguous = await rawHttp(server.url, { target: '/api/v1/hotels/..%2Fadmin' })
    expect(ambiguous.status).toBe(400)
    expect(ambiguous.json).toMatchObject({
      code: 'request.path_encoded_separator',
      instance: ambiguous.headers['x-request-id'],
    })
    const headers = { ...json, 'x-api-key': demoKeys.partner }
    const tooBig = await rawHttp(server.url, {
      method: 'POST',
      target: '/api/v1/bookings',
      headers,
      body: 'x'.repeat(20_000),
    })
    expect(tooBig.status).toBe(413)
    const invalid = await rawHttp(server.url, {
      method: 'POST',
      target: '/api/v1/bookings',
      headers,
      // The document cannot know which hotels exist: the app answers that one, the same way.
      body: JSON.stringify({ hotel: 'h9', roomType: 'double', checkIn: '2026-12-24', nights: 1, guest: 'Ada' }),
    })
    expect(invalid.status).toBe(422)
    expect(invalid.headers['content-type']).toContain('application/problem+json')
    expect((invalid.json as { code: string }).code).toBe('booking.unknown_hotel')
  })

  it('validates requests against its OpenAPI document', async () => {
    const days = await rawHttp(server.url, { target: '/api/v1/hotels/h1/dates?days=365' })
    expect(days.status).toBe(400)
    expect((days.json as { errors: { pointer: string }[] }).errors.map((error) => error.pointer)).toEqual([
      '/query/days',
    ])
    const headers = { ...json, 'x-api-key': demoKeys.partner }
    const bad = await rawHttp(server.url, {
      method: 'POST',
      target: '/api/v1/bookings',
      headers,
      body: '{"hotel":"h1","roomType":"penthouse","checkIn":"someday","nights":0,"guest":"Ada"}',
    })
    expect(bad.status).toBe(400)
    expect((bad.json as { errors: { pointer: string }[] }).errors.map((error) => error.pointer).sort()).toEqual([
      '/body/checkIn',
      '/body/nights',
      '/body/roomType',
    ])
    const unknownHotel = await rawHttp(server.url, { target: '/api/v1/hotels/paris/dates' })
    expect((unknownHotel.json as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/path/hotelId')
  })

  it("checks the app's answers against the document and reports mismatches, without changing them", async () => {
    const mismatches: string[] = []
    const off = hotel.gateway.engine.events.on('validation.response_mismatch', (event) =>
      mismatches.push(...event.errors.map((error) => error.pointer)),
    )
    await rawHttp(server.url, { target: '/api/v1/hotels' })
    await rawHttp(server.url, { target: '/api/v1/hotels/h2/prices?date=2026-12-26' })
    await new Promise((resolve) => setTimeout(resolve, 30))
    off()
    expect(mismatches).toEqual([])
  })

  it('routes dates and room types to their own services, prices to an in-process handler', async () => {
    const answeredBy: string[] = []
    const off = hotel.gateway.engine.events.on('request.responded', (event) => answeredBy.push(event.answeredBy))
    const dates = await rawHttp(server.url, { target: '/api/v1/hotels/h2/dates?days=3' })
    expect(dates.json).toEqual({ hotel: 'h2', available: expect.any(Array) })
    const prices = await rawHttp(server.url, { target: '/api/v1/hotels/h9/prices?date=2026-12-26' })
    expect([prices.status, (prices.json as { code: string }).code]).toEqual([404, 'hotel.not_found'])
    const first = await rawHttp(server.url, { target: '/api/v1/room-types' })
    const again = await rawHttp(server.url, { target: '/api/v1/room-types' })
    // The first test asked for the room types already: both come from the cache.
    expect([first.headers['x-cache'], again.headers['x-cache']]).toEqual(['HIT', 'HIT'])
    expect(again.body).toBe(first.body)
    expect(again.headers['cache-control']).toBe('public, max-age=300')
    await new Promise((resolve) => setTimeout(resolve, 20))
    off()
    expect(answeredBy).toEqual(['upstream', 'handler', 'cache', 'cache'])
  })

  it('normalises a path before the app routes it', async () => {
    const response = await rawHttp(server.url, { target: '/api/v1/x/../hotels' })
    expect(response.status).toBe(200)
    expect((response.json as { hotels: unknown[] }).hotels).toHaveLength(3)
  })

  it('logs one line per request from the lifecycle events', async () => {
    lines.length = 0
    await rawHttp(server.url, { target: '/api/v1/hotels/h3/dates', headers: { 'x-request-id': 'log-1' } })
    await rawHttp(server.url, {
      target: '/api/v1/bookings/0b3d1c9e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
      headers: { 'x-api-key': demoKeys.reader },
    })
    await rawHttp(server.url, { target: '/api/v1/a;b' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(lines[0]).toMatch(
      /^GET \/api\/v1\/hotels\/h3\/dates → 200 by upstream in [\d.]+ ms \[request-target:ok body-framing:ok admin:ok openapi-operation:ok authenticate:ok acl:ok openapi-validation:ok rate-limit:ok quota:ok route:respond\] anonymous id=log-1$/,
    )
    expect(lines[1]).toMatch(/^GET \/api\/v1\/bookings\/:id → 404 by app .* demo-reader id=/)
    expect(lines[2]).toMatch(/→ 400 by gateway .*\[request-target:deny\]/)
  })
})

describe('hotel demo: rate limits and quotas', () => {
  const hotel = createHotelApp(fixedServices, { clock: { now: fixedNow } })

  const server = useHotel(hotel)

  it('lets one client look up prices 10 times in 10 seconds, then answers 429 with Retry-After', async () => {
    // The gateway's own 429 is not the app's answer: shadow response validation must not report it.
    const mismatches: number[] = []
    const off = hotel.gateway.engine.events.on('validation.response_mismatch', (event) => mismatches.push(event.status))
    const statuses: number[] = []
    let last = await rawHttp(server.url, { target: '/api/v1/hotels/h1/prices?date=2026-12-24' })
    statuses.push(last.status)
    for (let i = 0; i < 10; i++) {
      last = await rawHttp(server.url, { target: '/api/v1/hotels/h1/prices?date=2026-12-24' })
      statuses.push(last.status)
    }
    expect(statuses).toEqual([...Array(10).fill(200), 429])
    expect(last.headers['retry-after']).toBe('10')
    expect(last.headers['ratelimit-policy']).toBe('"prices";q=10;w=10')
    expect(last.headers['x-ratelimit-remaining']).toBe('0')
    await new Promise((resolve) => setTimeout(resolve, 20))
    off()
    expect(mismatches).toEqual([])
  })

  it("counts a partner's calls against the monthly quota of its plan", async () => {
    const found = await rawHttp(server.url, {
      target: '/api/v1/bookings/00000000-0000-4000-8000-000000000000',
      headers: { 'x-api-key': demoKeys.reader },
    })
    expect(found.headers.ratelimit).toMatch(/^"monthly";r=999;t=\d+$/)
    const usage = await hotel.gateway.engine.limits.quotaUsage({ consumer: 'demo-reader', groups: ['readers'] })
    expect(usage).toEqual([
      {
        quota: 'monthly',
        limit: 1000,
        used: 1,
        remaining: 999,
        periodStart: '2026-11-30T23:00:00.000Z',
        periodEnd: '2026-12-31T23:00:00.000Z',
      },
    ])
  })
})

describe('hotel demo: discovery', () => {
  const hotel = createHotelApp(services)

  const server = useHotel(hotel)

  it('learns the endpoints from traffic, by the templates of the API description, and finds the undocumented ones', async () => {
    for (const hotelId of ['h1', 'h2', 'h3']) {
      await rawHttp(server.url, { target: `/api/v1/hotels/${hotelId}/dates?days=5` })
      await rawHttp(server.url, { target: `/api/v1/hotels/${hotelId}/prices?date=2026-12-24` })
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
    const endpoints = (await hotel.gateway.engine.discovery?.endpoints()) ?? []
    expect(endpoints.map(({ method, template, requests }) => `${method} ${template} ${requests}`).sort()).toEqual([
      'GET /api/v1/hotels/{hotelId}/dates 3',
      'GET /api/v1/hotels/{hotelId}/prices 3',
    ])
    const diff = await hotel.gateway.engine.discovery?.diff()
    expect(diff?.shadow).toEqual([])
    expect(diff?.zombie.map(({ method, template }) => `${method} ${template}`)).toContain('POST /api/v1/bookings')
  })
})
