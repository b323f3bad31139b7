import { describe, expect, it } from 'vitest'
import { type Clock, type ConfigError, createEngine, type Engine, type GatewayConfig } from '../src/index'
import { rawRequest } from './raw-request'

const start = Date.UTC(2026, 10, 28, 9)

function setup(config: GatewayConfig) {
  let now = start
  const clock: Clock = { now: () => now }
  const engine = createEngine({ clock, ...config })
  return { engine, advance: (ms: number) => (now += ms) }
}

/** One request through the engine, completed with the app's status as an adapter does. */
async function call(
  engine: Engine,
  target: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; status?: number; route?: string } = {},
) {
  const outcome = await engine.handle(
    rawRequest({ target, method: options.method, headers: options.headers, body: options.body }),
  )
  if (outcome.kind === 'continue' && options.body !== undefined) await outcome.ctx.request.body.json()
  const status = outcome.kind === 'respond' ? outcome.response.status : (options.status ?? 200)
  engine.complete(outcome.ctx, { status, routeTemplate: options.route })
  return outcome
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('discovery', () => {
  it('learns endpoint templates from traffic, keeping literals and never raw ids', async () => {
    const { engine } = setup({ discovery: {} })
    for (let i = 0; i < 40; i++) {
      await call(engine, `/accounts/${100_000 + i * 7919}/invoices?limit=${i}`)
      await call(engine, '/users/me')
      await call(engine, `/accounts/${100_000 + i * 7919}/invoices/upcoming`)
    }
    const endpoints = await engine.discovery?.endpoints()
    expect(endpoints?.map(({ method, template, requests }) => `${method} ${template} ${requests}`).sort()).toEqual([
      'GET /accounts/{var1}/invoices 40',
      'GET /accounts/{var1}/invoices/upcoming 40',
      'GET /users/me 40',
    ])
    const everything = JSON.stringify([endpoints, await engine.discovery?.openapi()])
    expect(everything).not.toMatch(/100000|107919/)
    const document = (await engine.discovery?.openapi()) as {
      openapi: string
      paths: Record<string, { get: { parameters: unknown[] } } | undefined>
    }
    expect(document.openapi).toBe('3.1.0')
    expect(document.paths['/accounts/{var1}/invoices']?.get.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'limit', in: 'query', schema: { type: 'integer' } })]),
    )
  })

  it('merges requests filed under literal paths before their position turned into a variable', async () => {
    const { engine } = setup({ discovery: {} })
    for (let i = 0; i < 3; i++) await call(engine, '/hotels/h1/prices')
    for (let n = 2; n <= 20; n++) await call(engine, `/hotels/h${n}/prices`)
    const endpoints = await engine.discovery?.endpoints()
    expect(endpoints?.map(({ template, requests }) => `${template} ${requests}`)).toEqual(['/hotels/{var1}/prices 22'])
  })

  it('takes the framework route template as ground truth', async () => {
    const { engine } = setup({ discovery: {} })
    await call(engine, '/orders/alpha', { route: '/orders/:orderId' })
    await call(engine, '/orders/beta', { route: '/orders/:orderId' })
    expect((await engine.discovery?.endpoints())?.map((endpoint) => endpoint.template)).toEqual(['/orders/{orderId}'])
  })

  it('reports one endpoint where templates differ only in parameter names, named as the busiest', async () => {
    const { engine } = setup({ discovery: {} })
    // The app's answers carry the framework's template; the gateway's own (a 429) the document's.
    for (const id of ['a', 'b', 'c']) await call(engine, `/orders/${id}`, { route: '/orders/:orderId' })
    await call(engine, '/orders/d', { route: '/orders/{id}' })
    const endpoints = await engine.discovery?.endpoints()
    expect(endpoints?.map(({ template, requests }) => `${template} ${requests}`)).toEqual(['/orders/{orderId} 4'])
  })

  it('learns nothing at sample rate 0, and only API traffic when told what that is', async () => {
    const none = setup({ discovery: { sampleRate: 0 } }).engine
    await call(none, '/a')
    expect(await none.discovery?.endpoints()).toEqual([])
    const api = setup({ discovery: { apiTraffic: { pathPrefix: '/api' } } }).engine
    await call(api, '/api/things')
    await call(api, '/assets/logo.png')
    expect((await api.discovery?.endpoints())?.map((endpoint) => endpoint.template)).toEqual(['/api/things'])
  })

  it('reads bodies only when the app already parsed them, and keeps their shape, not their values', async () => {
    const { engine } = setup({ discovery: {} })
    const body = JSON.stringify({ email: 'ada@example.com', nights: 2, note: 'secret-abc-123' })
    await call(engine, '/bookings', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    await settle()
    const document = JSON.stringify(await engine.discovery?.openapi())
    expect(document).toContain('"nights"')
    expect(document).toContain('"format":"email"')
    expect(document).not.toMatch(/secret-abc-123|ada@example/)
  })

  it('tells sessions apart by a hash of the key, never the key itself', async () => {
    const { engine } = setup({ discovery: { sessionKey: { header: 'x-api-key' } } })
    for (const key of ['pk_live_one', 'pk_live_two', 'pk_live_one'])
      await call(engine, '/x', { headers: { 'x-api-key': key } })
    const [endpoint] = (await engine.discovery?.endpoints()) ?? []
    expect(endpoint?.sessions).toBe(2)
    expect(JSON.stringify(await engine.discovery?.recommendations())).not.toContain('pk_live')
  })

  it('recommends a limit above normal sessions and below scrapers, as a report-mode rule', async () => {
    const { engine, advance } = setup({ discovery: { sessionKey: { header: 'x-client' } }, abuse: { minSessions: 50 } })
    for (let session = 0; session < 80; session++) {
      const requests = 5 + (session % 11)
      for (let i = 0; i < requests; i++)
        await call(engine, `/items/${session * 100 + i}`, { headers: { 'x-client': `c${session}` } })
    }
    for (const scraper of ['s1', 's2']) {
      for (let i = 0; i < 400; i++) await call(engine, `/items/${9_000_000 + i}`, { headers: { 'x-client': scraper } })
    }
    advance(1000)
    const [recommendation] = (await engine.discovery?.recommendations()) ?? []
    expect(recommendation).toMatchObject({ method: 'GET', template: '/items/{var1}', outliers: 2 })
    expect(recommendation?.threshold).toBeGreaterThanOrEqual(15)
    expect(recommendation?.threshold).toBeLessThan(400)
    expect(recommendation?.rule).toEqual({
      name: 'recommended-get-items-x',
      match: 'GET /items/*',
      by: { header: 'x-client' },
      limit: recommendation?.threshold,
      window: '10m',
      mode: 'report',
    })
    // The printed rule is a valid config, ready to try in report mode.
    expect(() => createEngine({ rateLimits: [recommendation?.rule as never] })).not.toThrow()
  })

  it('finds shadow and zombie endpoints against the OpenAPI document', async () => {
    const openapi = {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      servers: [{ url: '/api' }],
      paths: {
        '/hotels/{hotelId}': {
          get: {
            parameters: [{ name: 'hotelId', in: 'path', required: true, schema: { type: 'string' } }],
            responses: { '200': { description: 'ok' } },
          },
        },
        '/legacy/export': { get: { responses: { '200': { description: 'ok' } } } },
      },
    }
    const { engine } = setup({ openapi, validation: { unknownEndpoints: 'allow' }, discovery: {} })
    await engine.ready()
    await call(engine, '/api/hotels/h1')
    await call(engine, '/api/hotels/h2')
    await call(engine, '/api/internal/debug')
    const diff = await engine.discovery?.diff()
    expect(diff?.shadow).toEqual([{ method: 'GET', template: '/api/internal/debug' }])
    expect(diff?.zombie).toEqual([{ method: 'GET', template: '/api/legacy/export' }])
    expect((await engine.discovery?.endpoints())?.map((endpoint) => endpoint.template)).toContain(
      '/api/hotels/{hotelId}',
    )
  })

  it('accepts stages of your own that only observe responses', async () => {
    const seen: number[] = []
    const engine = createEngine({
      stages: [{ name: 'status-log', phase: 'route', complete: (_ctx, response) => seen.push(response.status) }],
    })
    const outcome = await engine.handle(rawRequest({}))
    engine.complete(outcome.ctx, { status: 204 })
    expect(seen).toEqual([204])
    expect(() => createEngine({ stages: [{ name: 'nothing', phase: 'route' } as never] })).toThrow(
      /stages\[0\]\.run: must be a function \(or give the stage a complete function\)/,
    )
  })

  it('runs after the response only: no stage decision, no timing on the request', async () => {
    const { engine } = setup({ discovery: {} })
    const stages: string[] = []
    engine.events.on('stage.decision', (event) => stages.push(event.stage))
    const outcome = await call(engine, '/x')
    expect(stages).not.toContain('discovery')
    expect(outcome.ctx.timings.map((timing) => timing.stage)).not.toContain('discovery')
  })

  it('refuses an abuse section without discovery, and bad settings, at start-up', () => {
    expect(() => createEngine({ abuse: { window: '10m' } })).toThrow(/abuse: needs a discovery section/)
    const error = (() => {
      try {
        createEngine({
          discovery: { sampleRate: 2, sessionKey: { header: 'bad header' }, apiTraffic: 'some' as never },
        })
      } catch (e) {
        return e as ConfigError
      }
    })()
    expect(error?.problems.map((problem) => problem.path)).toEqual(
      expect.arrayContaining(['discovery.sampleRate', 'discovery.sessionKey.header', 'discovery.apiTraffic']),
    )
    expect(() => createEngine({ discovery: {}, abuse: { window: '0s' } })).toThrow(
      /abuse\.window: must be longer than 0/,
    )
  })
})

describe('discovery: sequences', () => {
  it('emits discovery.session_flagged for a session whose order of calls is improbable', async () => {
    const { engine, advance } = setup({ discovery: { sessionKey: { header: 'x-client' } } })
    const flagged: { session: string; endpoint: string; requestId: string }[] = []
    engine.events.on('discovery.session_flagged', ({ session, endpoint, ctx }) =>
      flagged.push({ session, endpoint, requestId: ctx.requestId }),
    )
    const flow = ['/hotels', '/hotels/h1/dates', '/hotels/h1/prices', '/bookings/new']
    // Normal clients browse, then book: enough of them for the model to warm up.
    for (let client = 0; client < 400; client++) {
      for (const path of flow) await call(engine, path, { headers: { 'x-client': `normal-${client}` } })
      advance(1000)
    }
    expect(flagged).toEqual([])
    // A client that only ever books, over and over, never looking at availability.
    for (let i = 0; i < 8; i++) await call(engine, '/bookings/new', { headers: { 'x-client': 'bot' } })
    expect(flagged.length).toBeGreaterThan(0)
    expect(flagged[0]?.endpoint).toBe('GET /bookings/new')
    expect(JSON.stringify(flagged)).not.toContain('bot')
    expect(engine.discovery?.flaggedSessions().map((session) => session.session)).toContain(flagged[0]?.session)
    const [top] = (await engine.discovery?.flows(1, 4)) ?? []
    // One hotel only: `h1` stays a literal (too few values to be a variable).
    expect(top?.flow).toEqual(flow.map((path) => `GET ${path}`))
  })
})
