import { describe, expect, it } from 'vitest'
import { type Clock, ConfigError, createEngine, type Engine, type GatewayConfig, hashApiKey } from '../src/index'
import { rawRequest } from './raw-request'

function manualClock() {
  let now = Date.parse('2026-11-28T12:00:30Z')
  const clock: Clock = { now: () => now }
  return { clock, advance: (ms: number) => (now += ms) }
}

const keys = { acme: 'pk_analytics_acme_2Lx9', globex: 'pk_analytics_globex_7Qm4' }

async function analyticsEngine(analytics: NonNullable<GatewayConfig['telemetry']>['analytics'] = true) {
  const time = manualClock()
  const engine = createEngine(
    {
      clock: time.clock,
      auth: {
        apiKeys: {
          keys: [
            { id: 'a', hash: await hashApiKey(keys.acme), consumer: 'acme' },
            { id: 'g', hash: await hashApiKey(keys.globex), consumer: 'globex' },
          ],
        },
        routes: [{ match: '/public/**', public: true }],
      },
      telemetry: { analytics },
    },
    { env: {} },
  )
  return { engine, time }
}

/** A request the app answers with `status` under `template` (the framework's route). */
async function serve(engine: Engine, target: string, status: number, template?: string, consumer?: keyof typeof keys) {
  const headers: Record<string, string> = consumer === undefined ? {} : { 'x-api-key': keys[consumer] }
  const outcome = await engine.handle(rawRequest({ target, headers }))
  engine.complete(outcome.ctx, {
    status: outcome.kind === 'respond' ? outcome.response.status : status,
    bytes: 100,
    routeTemplate: template,
  })
}

describe('analytics', () => {
  it('counts per endpoint by route template, never by raw path, with status classes, bytes and latency', async () => {
    const { engine } = await analyticsEngine()
    for (let id = 0; id < 8; id++) await serve(engine, `/orders/${id}`, 200, '/orders/:id', 'acme')
    await serve(engine, '/orders/9', 500, '/orders/:id', 'acme')
    await serve(engine, '/orders/10', 404, '/orders/:id', 'globex')
    await serve(engine, '/public/raw-1', 200)
    await serve(engine, '/public/raw-2', 200)
    const report = engine.telemetry.analytics()
    expect(report?.total).toMatchObject({ requests: 12, statuses: { '2xx': 10, '4xx': 1, '5xx': 1 }, bytes: 1200 })
    expect(report?.total.errorRate).toBeCloseTo(1 / 12)
    expect(report?.endpoints.map(({ name, requests }) => [name, requests])).toEqual([
      ['GET /orders/:id', 10],
      ['GET (no route template)', 2],
    ])
    const orders = report?.endpoints[0]
    expect(orders?.latency.count).toBe(10)
    expect(orders?.latency.p99Ms).toBeGreaterThanOrEqual(orders?.latency.p50Ms ?? 0)
    expect(report?.consumers.map(({ name, requests }) => [name, requests])).toEqual([
      ['acme', 9],
      ['globex', 1],
    ])
  })

  it('counts refusals by error code', async () => {
    const { engine } = await analyticsEngine()
    await serve(engine, '/private/1', 200)
    await serve(engine, '/private/2', 200)
    expect(engine.telemetry.analytics()?.denials).toEqual({ 'auth.credentials_missing': 2 })
    expect(engine.telemetry.analytics()?.total.statuses['4xx']).toBe(2)
  })

  it('stays within its bounds: endpoints and consumers past the limits count as (other)', async () => {
    const { engine } = await analyticsEngine({ maxEndpoints: 2, maxConsumers: 1 })
    await serve(engine, '/a', 200, '/a', 'acme')
    await serve(engine, '/b', 200, '/b', 'globex')
    await serve(engine, '/c', 200, '/c', 'globex')
    await serve(engine, '/d', 200, '/d')
    const report = engine.telemetry.analytics()
    expect(report?.endpoints.map(({ name, requests }) => `${name} ${requests}`)).toEqual([
      '(other) 2',
      'GET /a 1',
      'GET /b 1',
    ])
    expect(report?.consumers.map(({ name, requests }) => `${name} ${requests}`)).toEqual(['(other) 2', 'acme 1'])
  })

  it('keeps a per-minute series for the time it is told to, by the gateway clock', async () => {
    const { engine, time } = await analyticsEngine({ retain: '2m' })
    await serve(engine, '/public/a', 200, '/public/a')
    time.advance(60_000)
    await serve(engine, '/public/a', 200, '/public/a')
    await serve(engine, '/public/a', 503, '/public/a')
    expect(engine.telemetry.analytics()?.series.map(({ minute, requests }) => `${minute} ${requests}`)).toEqual([
      '2026-11-28T12:00:00.000Z 1',
      '2026-11-28T12:01:00.000Z 2',
    ])
    time.advance(60_000)
    await serve(engine, '/public/a', 200, '/public/a')
    const series = engine.telemetry.analytics()?.series ?? []
    expect(series.map(({ minute }) => minute)).toEqual(['2026-11-28T12:01:00.000Z', '2026-11-28T12:02:00.000Z'])
    expect(series[0]?.statuses['5xx']).toBe(1)
  })

  it('merges another instance’s analytics exactly', async () => {
    const one = await analyticsEngine()
    const two = await analyticsEngine()
    const both = await analyticsEngine()
    for (let i = 0; i < 30; i++) {
      await serve(one.engine, `/o/${i}`, 200, '/o/:id', 'acme')
      await serve(both.engine, `/o/${i}`, 200, '/o/:id', 'acme')
    }
    for (let i = 0; i < 10; i++) {
      await serve(two.engine, `/o/${i}`, 500, '/o/:id', 'globex')
      await serve(both.engine, `/o/${i}`, 500, '/o/:id', 'globex')
    }
    one.engine.telemetry.mergeAnalytics(JSON.parse(JSON.stringify(two.engine.telemetry.exportAnalytics())))
    const merged = one.engine.telemetry.analytics()
    const direct = both.engine.telemetry.analytics()
    expect(merged?.total.requests).toBe(40)
    expect(merged?.total.statuses).toEqual(direct?.total.statuses)
    expect(merged?.endpoints.map(({ name, requests }) => [name, requests])).toEqual([['GET /o/:id', 40]])
    expect(merged?.consumers.map(({ name, requests }) => [name, requests])).toEqual([
      ['acme', 30],
      ['globex', 10],
    ])
    expect(() => one.engine.telemetry.mergeAnalytics({ nonsense: true } as never)).toThrow(TypeError)
    one.engine.telemetry.resetAnalytics()
    expect(one.engine.telemetry.analytics()?.total.requests).toBe(0)
  })

  it('is off unless asked for, and refuses a series shorter than a minute', async () => {
    const engine = createEngine({}, { env: {} })
    expect(engine.telemetry.analytics()).toBeUndefined()
    expect(() => createEngine({ telemetry: { analytics: { retain: '30s' } } }, { env: {} })).toThrow(ConfigError)
  })
})
