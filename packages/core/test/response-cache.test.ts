import { describe, expect, it } from 'vitest'
import { type Clock, createEngine, type Engine, type GatewayConfig, hashApiKey, MemoryStore } from '../src/index'
import { rawRequest } from './raw-request'

function manualClock() {
  let now = Date.parse('2026-11-28T12:00:00Z')
  const clock: Clock = { now: () => now }
  return { clock, advance: (ms: number) => (now += ms) }
}

/** An in-process origin that counts its calls; the query says which headers to answer with. */
function countingOrigin() {
  const calls: string[] = []
  const handler = (request: Request) => {
    const url = new URL(request.url)
    calls.push(`${request.method} ${url.pathname}`)
    const headers = new Headers({ 'content-type': 'text/plain' })
    for (const [name, value] of url.searchParams) if (name.startsWith('h-')) headers.append(name.slice(2), value)
    const size = Number(url.searchParams.get('size') ?? 0)
    const body =
      size > 0
        ? 'x'.repeat(size)
        : `body of ${url.pathname} #${calls.length} ${request.headers.get('accept-language') ?? ''}`
    return new Response(body, { headers })
  }
  return { calls, handler }
}

interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: string
}

/** Sends a request through the engine and reads the whole response, then lets the cache store it. */
async function send(
  engine: Engine,
  target: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const outcome = await engine.handle(rawRequest({ target, method: options.method, headers: options.headers }))
  if (outcome.kind !== 'respond') throw new Error(`${target} was not routed`)
  const body = await outcome.response.text()
  await new Promise((resolve) => setImmediate(resolve))
  return { status: outcome.response.status, headers: outcome.response.headers, body }
}

function cachedEngine(extra: Partial<GatewayConfig> = {}, cache: GatewayConfig['cache'] = {}) {
  const origin = countingOrigin()
  const time = manualClock()
  const engine = createEngine(
    {
      clock: time.clock,
      routes: [
        { match: 'GET /items/**', handler: origin.handler, cache: true },
        { match: 'GET /public/**', handler: origin.handler, cache: { public: true, ttl: '5m' } },
        { match: '/plain/**', handler: origin.handler },
      ],
      cache: { ttl: '60s', ...cache },
      ...extra,
    },
    { env: {} },
  )
  return { engine, origin, time }
}

describe('response cache', () => {
  it('answers a repeated GET from the cache: MISS, then HIT with Age, the handler called once', async () => {
    const { engine, origin, time } = cachedEngine()
    const first = await send(engine, '/items/1')
    expect(first.headers.get('x-cache')).toBe('MISS')
    time.advance(3_000)
    const second = await send(engine, '/items/1')
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(second.headers.get('age')).toBe('3')
    expect(second.body).toBe(first.body)
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'))
    expect(origin.calls).toEqual(['GET /items/1'])
  })

  it('keys on the query, and never caches routes without cache or methods other than GET and HEAD', async () => {
    const { engine, origin } = cachedEngine()
    await send(engine, '/items/1?page=1')
    expect((await send(engine, '/items/1?page=2')).headers.get('x-cache')).toBe('MISS')
    await send(engine, '/plain/1')
    expect((await send(engine, '/plain/1')).headers.get('x-cache')).toBeNull()
    await send(engine, '/plain/1', { method: 'POST' })
    expect(origin.calls).toEqual(['GET /items/1', 'GET /items/1', 'GET /plain/1', 'GET /plain/1', 'POST /plain/1'])
  })

  it('expires entries after the fallback TTL, or after the response’s own max-age / s-maxage', async () => {
    const { engine, origin, time } = cachedEngine()
    await send(engine, '/items/ttl')
    time.advance(59_000)
    expect((await send(engine, '/items/ttl')).headers.get('x-cache')).toBe('HIT')
    time.advance(2_000)
    expect((await send(engine, '/items/ttl')).headers.get('x-cache')).toBe('MISS')
    await send(engine, '/items/own?h-cache-control=max-age%3D5')
    time.advance(4_000)
    expect((await send(engine, '/items/own?h-cache-control=max-age%3D5')).headers.get('x-cache')).toBe('HIT')
    time.advance(2_000)
    expect((await send(engine, '/items/own?h-cache-control=max-age%3D5')).headers.get('x-cache')).toBe('MISS')
    await send(engine, '/items/shared?h-cache-control=max-age%3D1%2C%20s-maxage%3D100')
    time.advance(50_000)
    expect(
      (await send(engine, '/items/shared?h-cache-control=max-age%3D1%2C%20s-maxage%3D100')).headers.get('x-cache'),
    ).toBe('HIT')
    expect(origin.calls).toHaveLength(5)
  })

  it('never keeps no-store, private, no-cache, Set-Cookie or Vary: * responses', async () => {
    const { engine, origin } = cachedEngine()
    const targets = [
      '/items/a?h-cache-control=no-store',
      '/items/b?h-cache-control=private%2C%20max-age%3D60',
      '/items/c?h-cache-control=no-cache',
      '/items/d?h-set-cookie=session%3D1',
      '/items/e?h-vary=*',
      '/items/f?h-cache-control=max-age%3D0',
    ]
    for (const target of targets) {
      await send(engine, target)
      expect((await send(engine, target)).headers.get('x-cache')).toBe('MISS')
    }
    expect(origin.calls).toHaveLength(targets.length * 2)
  })

  it('keeps one variant per value of the headers the response varies on', async () => {
    const { engine, origin } = cachedEngine()
    const target = '/items/v?h-vary=accept-language'
    const french = await send(engine, target, { headers: { 'accept-language': 'fr' } })
    const german = await send(engine, target, { headers: { 'accept-language': 'de' } })
    expect(german.headers.get('x-cache')).toBe('MISS')
    const frenchAgain = await send(engine, target, { headers: { 'accept-language': 'fr' } })
    expect(frenchAgain.headers.get('x-cache')).toBe('HIT')
    expect(frenchAgain.body).toBe(french.body)
    expect((await send(engine, target, { headers: { 'accept-language': 'de' } })).body).toBe(german.body)
    expect((await send(engine, target)).headers.get('x-cache')).toBe('MISS')
    expect(origin.calls).toHaveLength(3)
  })

  it('answers HEAD from a cached GET, without a body', async () => {
    const { engine, origin } = cachedEngine()
    await send(engine, '/items/h')
    const head = await send(engine, '/items/h', { method: 'HEAD' })
    expect([head.status, head.headers.get('x-cache'), head.body]).toEqual([200, 'HIT', ''])
    expect(origin.calls).toEqual(['GET /items/h'])
  })

  it('keeps authenticated responses per consumer, unless the route is public', async () => {
    const keys = { acme: 'pk_cache_acme_4kQ9zT2wLm', globex: 'pk_cache_globex_7hR3xV8nPs' }
    const { engine, origin } = cachedEngine({
      auth: {
        apiKeys: {
          in: [{ header: 'x-api-key' }],
          keys: [
            { id: 'a', hash: await hashApiKey(keys.acme), consumer: 'acme' },
            { id: 'g', hash: await hashApiKey(keys.globex), consumer: 'globex' },
          ],
        },
      },
    })
    const as = (consumer: keyof typeof keys) => ({ headers: { 'x-api-key': keys[consumer] } })
    const acme = await send(engine, '/items/me', as('acme'))
    const globex = await send(engine, '/items/me', as('globex'))
    expect(globex.headers.get('x-cache')).toBe('MISS')
    expect(globex.body).not.toBe(acme.body)
    expect((await send(engine, '/items/me', as('acme'))).body).toBe(acme.body)
    await send(engine, '/public/list', as('acme'))
    expect((await send(engine, '/public/list', as('globex'))).headers.get('x-cache')).toBe('HIT')
    expect(origin.calls).toEqual(['GET /items/me', 'GET /items/me', 'GET /public/list'])
  })

  it('does not cache requests carrying credentials the gateway did not check', async () => {
    const { engine, origin } = cachedEngine()
    await send(engine, '/items/s', { headers: { authorization: 'Bearer someone' } })
    await send(engine, '/items/s', { headers: { authorization: 'Bearer someone-else' } })
    await send(engine, '/items/s', { headers: { cookie: 'session=abc' } })
    expect(origin.calls).toHaveLength(3)
  })

  it('stays within its bounds: entries, bytes, and the size of one entry', async () => {
    const { engine, origin } = cachedEngine({}, { maxEntries: 2, maxEntryBytes: 1000, maxBytes: 4000 })
    await send(engine, '/items/1')
    await send(engine, '/items/2')
    await send(engine, '/items/3')
    expect((await send(engine, '/items/1')).headers.get('x-cache')).toBe('MISS')
    expect((await send(engine, '/items/3')).headers.get('x-cache')).toBe('HIT')
    await send(engine, '/items/big?size=1001')
    expect((await send(engine, '/items/big?size=1001')).headers.get('x-cache')).toBe('MISS')
    const bytes = createEngine(
      {
        routes: [{ match: '/**', handler: origin.handler, cache: true }],
        cache: { maxEntryBytes: 900, maxBytes: 2000 },
      },
      { env: {} },
    )
    for (const id of [1, 2, 3]) await send(bytes, `/b/${id}?size=800`)
    expect((await send(bytes, '/b/1?size=800')).headers.get('x-cache')).toBe('MISS')
    expect((await send(bytes, '/b/3?size=800')).headers.get('x-cache')).toBe('HIT')
  })

  it('shares entries between instances through the store when the cache is shared', async () => {
    const store = new MemoryStore()
    const first = countingOrigin()
    const second = countingOrigin()
    const instance = (handler: (request: Request) => Response) =>
      createEngine({ store, routes: [{ match: '/**', handler, cache: true }], cache: { shared: true } }, { env: {} })
    await send(instance(first.handler), '/fleet/1')
    const other = await send(instance(second.handler), '/fleet/1')
    expect(other.headers.get('x-cache')).toBe('HIT')
    expect(other.body).toBe('body of /fleet/1 #1 ')
    expect(second.calls).toEqual([])
  })
})
