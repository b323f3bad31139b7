import { type Listening, listen, rawHttp } from '@portcullis/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHotelApp } from '../src/app'
import { logRequests } from '../src/request-log'

describe('hotel demo', () => {
  let server: Listening
  const lines: string[] = []
  const hotel = createHotelApp({}, () => Date.parse('2026-12-01T12:00:00Z'))
  logRequests(hotel.gateway.engine, (line) => lines.push(line))

  beforeAll(async () => {
    server = await listen(hotel.app)
  })
  afterAll(async () => {
    await server.close()
    await hotel.gateway.close()
  })

  it('serves each service behind the gateway, with a request id', async () => {
    const hotels = await rawHttp(server.url, { target: '/api/v1/hotels' })
    expect(hotels.status).toBe(200)
    expect(hotels.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const dates = await rawHttp(server.url, { target: '/api/v1/hotels/h1/dates?days=10' })
    expect((dates.json as { available: string[] }).available.length).toBeGreaterThan(5)
    const prices = await rawHttp(server.url, { target: '/api/v1/hotels/h2/prices?date=2026-12-26' })
    expect(prices.json).toMatchObject({ hotel: 'h2', prices: [{ roomType: 'single', amount: 111.25 }, {}, {}] })
    const rooms = await rawHttp(server.url, { target: '/api/v1/room-types', headers: { 'x-request-id': 'demo-1' } })
    expect(rooms.headers['x-request-id']).toBe('demo-1')
  })

  it('takes a booking and finds it again', async () => {
    const body = JSON.stringify({ hotel: 'h1', roomType: 'double', checkIn: '2026-12-24', nights: 2, guest: 'Ada' })
    const created = await rawHttp(server.url, {
      method: 'POST',
      target: '/api/v1/bookings',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect(created.status).toBe(201)
    const booking = created.json as { id: string; totalEur: number; requestId: string }
    expect(booking.totalEur).toBe(129 + 129 * 1.25)
    expect(booking.requestId).toBe(created.headers['x-request-id'])
    const found = await rawHttp(server.url, { target: `/api/v1/bookings/${booking.id}` })
    expect(found.json).toEqual(booking)
  })

  it('answers bad input with problem+json, from the gateway and from the app alike', async () => {
    const ambiguous = await rawHttp(server.url, { target: '/api/v1/hotels/..%2Fadmin' })
    expect(ambiguous.status).toBe(400)
    expect(ambiguous.json).toMatchObject({
      code: 'request.path_encoded_separator',
      instance: ambiguous.headers['x-request-id'],
    })
    const tooBig = await rawHttp(server.url, { method: 'POST', target: '/api/v1/bookings', body: 'x'.repeat(20_000) })
    expect(tooBig.status).toBe(413)
    const invalid = await rawHttp(server.url, {
      method: 'POST',
      target: '/api/v1/bookings',
      headers: { 'content-type': 'application/json' },
      body: '{"hotel":"h9"}',
    })
    expect(invalid.status).toBe(422)
    expect(invalid.headers['content-type']).toContain('application/problem+json')
    expect((invalid.json as { code: string }).code).toBe('booking.unknown_hotel')
  })

  it('normalises a path before the app routes it', async () => {
    const response = await rawHttp(server.url, { target: '/api/v1/x/../hotels' })
    expect(response.status).toBe(200)
    expect((response.json as { hotels: unknown[] }).hotels).toHaveLength(3)
  })

  it('logs one line per request from the lifecycle events', async () => {
    lines.length = 0
    await rawHttp(server.url, { target: '/api/v1/hotels/h3/dates', headers: { 'x-request-id': 'log-1' } })
    await rawHttp(server.url, { target: '/api/v1/a;b' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(lines[0]).toMatch(
      /^GET \/api\/v1\/hotels\/:id\/dates → 200 by app in [\d.]+ ms \[request-target:ok body-size:ok\] id=log-1$/,
    )
    expect(lines[1]).toMatch(/→ 400 by gateway .*\[request-target:deny\]/)
  })
})
