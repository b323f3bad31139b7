import { validate } from '@readme/openapi-parser'
import { describe, expect, it } from 'vitest'
import { type EndpointObservation, EndpointStats } from '../src/stages/discovery/endpoint-stats'
import { diffAgainstDocument, exportOpenApi, templateKey } from '../src/stages/discovery/openapi-export'
import { loadOpenApi } from '../src/stages/validation/load-openapi'

const CANARY = 'secret-abc-123'
const CANARY_ID = 918273645

function statsOf(...observations: Partial<EndpointObservation>[]): EndpointStats {
  const stats = new EndpointStats()
  for (const observation of observations) {
    stats.record({ status: 200, durationMs: 12, session: 'hashed-session', at: 1_700_000_000_000, ...observation })
  }
  return stats
}

const json = 'application/json'

function discovered() {
  return [
    {
      method: 'GET',
      template: '/hotels/{var1}/dates',
      stats: statsOf(
        { query: new URLSearchParams({ from: '2024-05-01', guests: '2', token: CANARY }) },
        { query: new URLSearchParams({ from: '2024-05-02', id: String(CANARY_ID) }), status: 404 },
      ),
    },
    {
      method: 'POST',
      template: '/hotels/{var1}/bookings',
      stats: statsOf(
        {
          status: 201,
          body: { guest: { email: 'ada@example.com', name: CANARY }, nights: 3, card: CANARY, roomId: CANARY_ID },
          contentType: `${json}; charset=utf-8`,
          session: CANARY,
        },
        { status: 500, body: { guest: { email: 'bob@example.com' }, nights: 2.5 }, contentType: json },
      ),
      pathParameters: { var1: { type: 'integer' } },
    },
    {
      method: 'put',
      template: '/uploads/{name}.{ext}',
      stats: statsOf({ body: 'raw bytes', contentType: 'image/png' }),
    },
    { method: 'PROPFIND', template: '/dav', stats: statsOf({}) },
  ]
}

async function expectValidOpenApi(document: Record<string, unknown>): Promise<void> {
  const result = await validate(structuredClone(document) as never)
  expect(result.valid ? [] : result.errors, JSON.stringify(result)).toEqual([])
  // The gateway's own loader, stricter about parameters, takes it too.
  const model = await loadOpenApi(document)
  expect(model.version).toBe('3.1')
}

describe('exportOpenApi', () => {
  it('exports a valid OpenAPI 3.1 document of what was learned', async () => {
    const document = exportOpenApi(discovered(), { title: 'Hotels', version: '1.2.3' })
    await expectValidOpenApi(document)
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'Hotels', version: '1.2.3' } })
    const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>
    expect(Object.keys(paths)).toEqual(['/hotels/{var1}/bookings', '/hotels/{var1}/dates', '/uploads/{name}.{ext}'])

    const dates = paths['/hotels/{var1}/dates']?.get
    expect(dates?.parameters).toEqual([
      { name: 'var1', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'from', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
      { name: 'guests', in: 'query', required: false, schema: { type: 'integer' } },
      { name: 'token', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'id', in: 'query', required: false, schema: { type: 'integer' } },
    ])
    expect(dates?.responses).toEqual({ '2XX': { description: '2xx response' }, '4XX': { description: '4xx response' } })
    expect(dates?.requestBody).toBeUndefined()
    expect(dates?.['x-portcullis']).toMatchObject({
      requests: 2,
      firstSeen: 1_700_000_000_000,
      lastSeen: 1_700_000_000_000,
      statuses: { '2xx': 1, '4xx': 1 },
      latency: { count: 2, sumMs: 24, minMs: 12, maxMs: 12, p50Ms: 12 },
      sessions: 1,
    })

    const bookings = paths['/hotels/{var1}/bookings']?.post
    expect(bookings?.parameters).toEqual([{ name: 'var1', in: 'path', required: true, schema: { type: 'integer' } }])
    expect(bookings?.requestBody).toEqual({
      required: true,
      content: {
        [json]: {
          schema: {
            type: 'object',
            properties: {
              guest: {
                type: 'object',
                properties: { email: { type: 'string', format: 'email' }, name: { type: 'string' } },
                required: ['email'],
              },
              nights: { type: 'number' },
              card: { type: 'string' },
              roomId: { type: 'integer' },
            },
            required: ['guest', 'nights'],
          },
        },
      },
    })
    expect(Object.keys(bookings?.responses as object)).toEqual(['2XX', '5XX'])

    const upload = paths['/uploads/{name}.{ext}']?.put
    expect(upload?.requestBody).toEqual({ required: true, content: { 'image/png': {} } })
    expect(document['x-portcullis']).toEqual({ discovered: true, skipped: [{ method: 'PROPFIND', template: '/dav' }] })
  })

  it('never carries a raw value', () => {
    const text = JSON.stringify(exportOpenApi(discovered()))
    expect(text).not.toContain(CANARY)
    expect(text).not.toContain(String(CANARY_ID))
    expect(text).not.toContain('ada@example.com')
    expect(text).not.toContain('hashed-session')
  })

  it('gives one path to templates differing only in parameter names, merging a shared method', async () => {
    const document = exportOpenApi([
      { method: 'GET', template: '/rooms/{var1}', stats: statsOf({ status: 200 }) },
      { method: 'GET', template: '/rooms/{roomId}', stats: statsOf({ status: 404 }, { status: 404 }) },
      { method: 'DELETE', template: '/rooms/{roomId}', stats: statsOf({ status: 204 }) },
    ])
    await expectValidOpenApi(document)
    const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>
    expect(Object.keys(paths)).toEqual(['/rooms/{var1}'])
    expect(Object.keys(paths['/rooms/{var1}'] ?? {})).toEqual(['get', 'delete'])
    expect(paths['/rooms/{var1}']?.get?.['x-portcullis']).toMatchObject({
      requests: 3,
      statuses: { '2xx': 1, '4xx': 2 },
    })
  })

  it('exports an endpoint with no traffic learned as a valid operation too', async () => {
    const document = exportOpenApi([{ method: 'GET', template: '/health', stats: new EndpointStats() }])
    await expectValidOpenApi(document)
    const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>
    expect(paths['/health']?.get?.responses).toEqual({ default: { description: 'No response observed' } })
    expect(document.info).toEqual({ title: 'Discovered API', version: '0.0.0' })
  })

  it('exports the same document from merged instances as from one that saw everything', () => {
    const requests: Partial<EndpointObservation>[] = Array.from({ length: 40 }, (_, i) => ({
      status: i % 5 === 0 ? 500 : 200,
      durationMs: i + 1,
      session: `s${i % 7}`,
      query: new URLSearchParams(i % 2 === 0 ? { page: String(i) } : { page: String(i), q: 'x' }),
      body: { n: i, ...(i % 3 === 0 ? { flag: true } : {}) },
      contentType: json,
    }))
    const all = statsOf(...requests)
    const merged = statsOf(...requests.slice(0, 25)).merge(statsOf(...requests.slice(25)))
    const one = exportOpenApi([{ method: 'POST', template: '/search', stats: all }])
    const fleet = exportOpenApi([{ method: 'POST', template: '/search', stats: merged }])
    expect(fleet).toEqual(one)
  })
})

describe('diffAgainstDocument', () => {
  it('compares templates modulo parameter names and methods modulo case', () => {
    expect(templateKey('/a/{id}/b/{x}.{y}')).toBe('/a/{}/b/{}.{}')
    const diff = diffAgainstDocument(
      [
        { method: 'GET', template: '/hotels/{var1}' },
        { method: 'post', template: '/hotels' },
        { method: 'GET', template: '/internal/debug' },
        { method: 'DELETE', template: '/hotels/{var1}' },
        { method: 'GET', template: '/hotels/{var2}' },
      ],
      [
        { method: 'get', template: '/hotels/{hotelId}' },
        { method: 'POST', template: '/hotels' },
        { method: 'GET', template: '/v1/legacy' },
        { method: 'PUT', template: '/hotels/{hotelId}' },
      ],
    )
    expect(diff.matched).toEqual([
      { method: 'GET', template: '/hotels/{var1}', documented: '/hotels/{hotelId}' },
      { method: 'post', template: '/hotels', documented: '/hotels' },
    ])
    expect(diff.shadow).toEqual([
      { method: 'GET', template: '/internal/debug' },
      { method: 'DELETE', template: '/hotels/{var1}' },
    ])
    expect(diff.zombie).toEqual([
      { method: 'GET', template: '/v1/legacy' },
      { method: 'PUT', template: '/hotels/{hotelId}' },
    ])
  })

  it('lets a documented parameter cover a discovered literal segment, the most literal template first', () => {
    const diff = diffAgainstDocument(
      [
        { method: 'GET', template: '/users/me/orders' },
        { method: 'GET', template: '/users/{var1}' },
      ],
      [
        { method: 'GET', template: '/users/{id}/orders' },
        { method: 'GET', template: '/{kind}/{id}/orders' },
        { method: 'GET', template: '/users/me' },
      ],
    )
    expect(diff.matched).toEqual([{ method: 'GET', template: '/users/me/orders', documented: '/users/{id}/orders' }])
    // A discovered parameter is not covered by a documented literal: that endpoint takes more.
    expect(diff.shadow).toEqual([{ method: 'GET', template: '/users/{var1}' }])
    expect(diff.zombie).toEqual([
      { method: 'GET', template: '/{kind}/{id}/orders' },
      { method: 'GET', template: '/users/me' },
    ])
  })

  it('finds nothing to report for identical lists, and everything for disjoint ones', () => {
    const list = [{ method: 'GET', template: '/a/{x}' }]
    expect(diffAgainstDocument(list, list)).toEqual({
      shadow: [],
      zombie: [],
      matched: [{ method: 'GET', template: '/a/{x}', documented: '/a/{x}' }],
    })
    expect(diffAgainstDocument([], list)).toEqual({ shadow: [], zombie: list, matched: [] })
    expect(diffAgainstDocument(list, [])).toEqual({ shadow: list, zombie: [], matched: [] })
  })
})
