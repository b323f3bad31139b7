import { describe, expect, it } from 'vitest'
import { type Clock, ConfigError, createEngine, type GatewayConfig, hashApiKey, type Outcome } from '../src/index'
import { rawRequest } from './raw-request'

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 10, 28, 12, 0, 0)) {
  let now = start
  const clock: Clock = { now: () => now }
  return { clock, advance: (ms: number) => (now += ms) }
}

const statusOf = (outcome: Outcome) => (outcome.kind === 'respond' ? outcome.response.status : 200)
const headersOf = (outcome: Outcome): Headers =>
  outcome.kind === 'respond' ? outcome.response.headers : new Headers(outcome.responseHeaders as [string, string][])

async function send(engine: ReturnType<typeof createEngine>, count: number, request = () => rawRequest({})) {
  const statuses: number[] = []
  for (let i = 0; i < count; i++) statuses.push(statusOf(await engine.handle(request())))
  return statuses
}

describe('rate limits: windows', () => {
  it('lets `limit` requests through per fixed window and refuses the rest with a 429 problem', async () => {
    const { clock, advance } = manualClock()
    const engine = createEngine({ clock, rateLimits: [{ by: 'ip', limit: 3, window: '10s' }] })
    expect(await send(engine, 4)).toEqual([200, 200, 200, 429])
    const refused = await engine.handle(rawRequest({}))
    expect(refused.kind).toBe('respond')
    if (refused.kind !== 'respond') return
    expect(refused.response.headers.get('content-type')).toBe('application/problem+json')
    expect(refused.response.headers.get('retry-after')).toBe('10')
    expect((await refused.response.json()).code).toBe('limit.rate_exceeded')
    advance(9_999)
    expect(await send(engine, 1)).toEqual([429])
    advance(1)
    expect(await send(engine, 4)).toEqual([200, 200, 200, 429])
  })

  it('never lets a sliding window hold more than `limit` requests in any window-length interval', async () => {
    const { clock, advance } = manualClock()
    const engine = createEngine({ clock, rateLimits: [{ by: 'ip', limit: 3, window: '10s', algorithm: 'sliding' }] })
    // Three at the end of one fixed window, then more right after it: a fixed window would allow six.
    advance(9_000)
    expect(await send(engine, 3)).toEqual([200, 200, 200])
    advance(1_500)
    expect(await send(engine, 1)).toEqual([429])
    const refused = await engine.handle(rawRequest({}))
    expect(headersOf(refused).get('retry-after')).toBe('9')
    advance(8_499)
    expect(await send(engine, 1)).toEqual([429])
    advance(1) // the first three are now exactly a window old
    expect(await send(engine, 4)).toEqual([200, 200, 200, 429])
  })

  it('keeps the key per window: a window opened by one client does not reset another', async () => {
    const { clock, advance } = manualClock()
    const engine = createEngine({ clock, rateLimits: [{ by: 'ip', limit: 1, window: '1m' }] })
    expect(await send(engine, 1, () => rawRequest({ remoteAddress: '192.0.2.1' }))).toEqual([200])
    advance(30_000)
    expect(await send(engine, 1, () => rawRequest({ remoteAddress: '192.0.2.2' }))).toEqual([200])
    advance(30_000)
    expect(await send(engine, 1, () => rawRequest({ remoteAddress: '192.0.2.1' }))).toEqual([200])
    expect(await send(engine, 1, () => rawRequest({ remoteAddress: '192.0.2.2' }))).toEqual([429])
  })
})

describe('rate limits: headers', () => {
  it('sends RateLimit and RateLimit-Policy for every rule, remaining never negative nor rising', async () => {
    const { clock, advance } = manualClock()
    const engine = createEngine({
      clock,
      rateLimits: [
        { name: 'burst', by: 'ip', limit: 2, window: '10s' },
        { name: 'daily', by: 'ip', limit: 100, window: '1d' },
      ],
    })
    const seen: string[] = []
    for (let i = 0; i < 4; i++) {
      const headers = headersOf(await engine.handle(rawRequest({})))
      expect(headers.get('ratelimit-policy')).toBe('"burst";q=2;w=10, "daily";q=100;w=86400')
      seen.push(headers.get('ratelimit') as string)
      advance(1_000)
    }
    expect(seen).toEqual([
      '"burst";r=1;t=10, "daily";r=99;t=86400',
      '"burst";r=0;t=9, "daily";r=98;t=86399',
      '"burst";r=0;t=8, "daily";r=97;t=86398',
      '"burst";r=0;t=7, "daily";r=96;t=86397',
    ])
  })

  it('sends the legacy X-RateLimit headers for the tightest rule when asked, and only those', async () => {
    const engine = createEngine({
      rateLimits: {
        headers: { standard: false, legacy: true },
        rules: [
          { by: 'ip', limit: 5, window: '1m' },
          { by: 'ip', limit: 2, window: '1h' },
        ],
      },
    })
    const headers = headersOf(await engine.handle(rawRequest({})))
    expect(headers.get('ratelimit')).toBeNull()
    expect(headers.get('x-ratelimit-limit')).toBe('2')
    expect(headers.get('x-ratelimit-remaining')).toBe('1')
    expect(headers.get('x-ratelimit-reset')).toBe('3600')
  })

  it('adds no header to routes no rule matches', async () => {
    const engine = createEngine({ rateLimits: [{ match: 'GET /weather/snow', by: 'ip', limit: 1, window: '1m' }] })
    expect(headersOf(await engine.handle(rawRequest({ target: '/weather/rain' }))).get('ratelimit')).toBeNull()
    expect(await send(engine, 3, () => rawRequest({ target: '/weather/rain' }))).toEqual([200, 200, 200])
    expect(await send(engine, 2, () => rawRequest({ target: '/weather/snow' }))).toEqual([200, 429])
    expect(await send(engine, 1, () => rawRequest({ method: 'POST', target: '/weather/snow' }))).toEqual([200])
  })
})

describe('rate limits: modes and rules', () => {
  it('only records in report mode: the request passes and the would-be refusal is an event', async () => {
    const engine = createEngine({ rateLimits: [{ by: 'ip', limit: 1, window: '1m', mode: 'report' }] })
    const decisions: { action: string; enforced: boolean; code?: string }[] = []
    engine.events.on('stage.decision', (event) => {
      if (event.stage === 'rate-limit')
        decisions.push({ action: event.action, enforced: event.enforced, code: event.error?.code })
    })
    expect(await send(engine, 2)).toEqual([200, 200])
    expect(decisions).toEqual([
      { action: 'continue', enforced: true, code: undefined },
      { action: 'deny', enforced: false, code: 'limit.rate_exceeded' },
    ])
  })

  it('refuses when any enforced rule is over, with the Retry-After of the longest wait', async () => {
    const { clock } = manualClock()
    const engine = createEngine({
      clock,
      rateLimits: [
        { by: 'ip', limit: 1, window: '10s' },
        { by: 'ip', limit: 1, window: '1h' },
      ],
    })
    await send(engine, 1)
    expect(headersOf(await engine.handle(rawRequest({}))).get('retry-after')).toBe('3600')
  })

  it('refuses bad rules at start-up, naming each path', () => {
    const error = (() => {
      try {
        createEngine({
          rateLimits: [
            { name: 'a', by: 'ip', limit: 0, window: '10' },
            { name: 'b', by: 'ip', limit: 1, window: '1m', match: 'GET weather' },
            { by: 'phone' as never, limit: 1, window: '1m', algorithm: 'leaky' as never },
            { by: { header: 'bad header' }, limit: 1, window: '1m' },
          ],
        } as GatewayConfig)
      } catch (e) {
        return e
      }
    })() as ConfigError
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.problems.map((problem) => problem.path)).toEqual(
      expect.arrayContaining([
        'rateLimits[0].limit',
        'rateLimits[0].window',
        'rateLimits[3].by.header',
        'rateLimits[1].match',
        'rateLimits[2].by',
        'rateLimits[2].algorithm',
      ]),
    )
  })

  it('refuses a window of no length', () => {
    expect(() => createEngine({ rateLimits: { rules: [{ by: 'ip', limit: 1, window: '0s' }] } })).toThrow(
      /rateLimits\.rules\[0\]\.window: must be longer than 0/,
    )
  })

  it('refuses two rules with one name', () => {
    const build = () =>
      createEngine({
        rateLimits: [
          { name: 'a', by: 'ip', limit: 1, window: '1m' },
          { name: 'a', by: 'ip', limit: 1, window: '1h' },
        ],
      })
    expect(build).toThrow(ConfigError)
    expect(build).toThrow(/rateLimits\[1\]\.name: "a" names another rule too/)
  })
})

describe('rate limits: keys', () => {
  it('groups IPv6 clients by /64 (configurable) and keeps IPv4 clients apart', async () => {
    const engine = createEngine({ rateLimits: [{ by: 'ip', limit: 1, window: '1m' }] })
    expect(await send(engine, 1, () => rawRequest({ remoteAddress: '2001:db8:1:2::1' }))).toEqual([200])
    expect(await send(engine, 1, () => rawRequest({ remoteAddress: '2001:db8:1:2:ffff::9' }))).toEqual([429])
    expect(await send(engine, 1, () => rawRequest({ remoteAddress: '2001:db8:1:3::1' }))).toEqual([200])
    expect(await send(engine, 1, () => rawRequest({ remoteAddress: '::ffff:192.0.2.1' }))).toEqual([200])
    expect(await send(engine, 1, () => rawRequest({ remoteAddress: '192.0.2.1' }))).toEqual([429])
    expect(await send(engine, 1, () => rawRequest({ remoteAddress: '192.0.2.2' }))).toEqual([200])

    const wide = createEngine({ rateLimits: { ipv6Prefix: 48, rules: [{ by: 'ip', limit: 1, window: '1m' }] } })
    expect(await send(wide, 1, () => rawRequest({ remoteAddress: '2001:db8:1:2::1' }))).toEqual([200])
    expect(await send(wide, 1, () => rawRequest({ remoteAddress: '2001:db8:1:3::1' }))).toEqual([429])
  })

  it('cannot be dodged with X-Forwarded-For from an untrusted peer, and follows it from a trusted one', async () => {
    const rule = { by: 'ip', limit: 1, window: '1m' } as const
    const untrusted = createEngine({ rateLimits: [rule] })
    const spoofed = (n: number) => () =>
      rawRequest({ remoteAddress: '198.51.100.7', headers: { 'x-forwarded-for': `203.0.113.${n}` } })
    expect(await send(untrusted, 1, spoofed(1))).toEqual([200])
    expect(await send(untrusted, 1, spoofed(2))).toEqual([429])

    const behindProxy = createEngine({ trustedProxies: ['198.51.100.7'], rateLimits: [rule] })
    expect(await send(behindProxy, 1, spoofed(1))).toEqual([200])
    expect(await send(behindProxy, 1, spoofed(2))).toEqual([200])
    expect(await send(behindProxy, 1, spoofed(1))).toEqual([429])
  })

  it('counts per consumer, and anonymous callers by their IP', async () => {
    const keys = [
      { id: 'k1', hash: await hashApiKey('pk_one'), consumer: 'acme' },
      { id: 'k2', hash: await hashApiKey('pk_two'), consumer: 'acme' },
      { id: 'k3', hash: await hashApiKey('pk_three'), consumer: 'globex' },
    ]
    const engine = createEngine({
      auth: { apiKeys: { keys }, routes: [{ match: '/**', public: true }] },
      rateLimits: [{ by: 'consumer', limit: 1, window: '1m' }],
    } as GatewayConfig)
    const withKey = (key: string) => () => rawRequest({ headers: { 'x-api-key': key } })
    expect(await send(engine, 1, withKey('pk_one'))).toEqual([200])
    expect(await send(engine, 1, withKey('pk_two'))).toEqual([429])
    expect(await send(engine, 1, withKey('pk_three'))).toEqual([200])
    expect(await send(engine, 2, () => rawRequest({ remoteAddress: '192.0.2.9' }))).toEqual([200, 429])
  })

  it('counts by a header, a cookie and a query parameter, falling back to the IP when it is absent', async () => {
    for (const [by, carrying] of [
      [{ header: 'x-tenant' }, (v: string) => ({ headers: { 'x-tenant': v } })],
      [{ cookie: 'session' }, (v: string) => ({ headers: { cookie: `a=1; session=${v}` } })],
      [{ query: 'tenant' }, (v: string) => ({ target: `/?tenant=${v}` })],
    ] as const) {
      const engine = createEngine({ rateLimits: [{ by, limit: 1, window: '1m' }] })
      expect(await send(engine, 1, () => rawRequest(carrying('a')))).toEqual([200])
      expect(await send(engine, 1, () => rawRequest(carrying('a')))).toEqual([429])
      expect(await send(engine, 1, () => rawRequest(carrying('b')))).toEqual([200])
      expect(await send(engine, 2, () => rawRequest({}))).toEqual([200, 429])
    }
  })

  it('counts by a JSON body field, and the app still gets the body', async () => {
    const engine = createEngine({ rateLimits: [{ by: { body: '/customer/id' }, limit: 1, window: '1m' }] })
    const order = (id: string) => () =>
      rawRequest({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customer: { id }, items: [1] }),
      })
    const first = await engine.handle(order('c-1')())
    expect(statusOf(first)).toBe(200)
    expect(first.kind === 'continue' && (await first.ctx.request.body.json())).toEqual({
      customer: { id: 'c-1' },
      items: [1],
    })
    expect(await send(engine, 1, order('c-1'))).toEqual([429])
    expect(await send(engine, 1, order('c-2'))).toEqual([200])
  })

  it('counts by GraphQL operation name, from the body or the query string, combined with the IP', async () => {
    const engine = createEngine({ rateLimits: [{ by: ['graphql', 'ip'], limit: 1, window: '1m' }] })
    const post =
      (body: unknown, remoteAddress = '192.0.2.1') =>
      () =>
        rawRequest({
          method: 'POST',
          target: '/graphql',
          remoteAddress,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
    expect(await send(engine, 1, post({ query: 'query GetHotels { hotels { id } }' }))).toEqual([200])
    expect(await send(engine, 1, post({ operationName: 'GetHotels', query: '…' }))).toEqual([429])
    expect(await send(engine, 1, post({ query: 'mutation Book($id: ID!) { book(id: $id) }' }))).toEqual([200])
    expect(await send(engine, 1, post({ query: 'query GetHotels { hotels { id } }' }, '192.0.2.2'))).toEqual([200])
    const get = () =>
      rawRequest({ target: '/graphql?query=query%20Rooms%20%7B%20rooms%20%7D', remoteAddress: '192.0.2.1' })
    expect(await send(engine, 2, get)).toEqual([200, 429])
  })

  it('hashes long key values instead of storing them', async () => {
    const stored: string[] = []
    const engine = createEngine({ rateLimits: [{ by: { header: 'x-token' }, limit: 1, window: '1m' }] })
    // The memory store counts through incrementNow.
    const originalIncrement = engine.store.incrementNow?.bind(engine.store)
    engine.store.incrementNow = (key, by, ttl) => {
      stored.push(key)
      return originalIncrement?.(key, by, ttl) ?? { value: 0, ttlMs: 0 }
    }
    await send(engine, 1, () => rawRequest({ headers: { 'x-token': 'x'.repeat(500) } }))
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatch(/^rl:rate-0:header=x-token=#[0-9a-f]{64}$/)
  })
})
