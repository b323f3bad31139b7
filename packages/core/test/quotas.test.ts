import { describe, expect, it } from 'vitest'
import { type Clock, ConfigError, createEngine, type GatewayConfig, hashApiKey, type Outcome } from '../src/index'
import { rawRequest } from './raw-request'

function manualClock(iso: string) {
  let now = Date.parse(iso)
  const clock: Clock = { now: () => now }
  return { clock, set: (next: string) => (now = Date.parse(next)) }
}

const apiKeys = async () => ({
  apiKeys: {
    keys: [
      { id: 'a', hash: await hashApiKey('pk_acme'), consumer: 'acme', groups: ['free'] },
      { id: 'g', hash: await hashApiKey('pk_globex'), consumer: 'globex', groups: ['pro', 'free'] },
      { id: 'i', hash: await hashApiKey('pk_initech'), consumer: 'initech', groups: ['free'] },
    ],
  },
  routes: [{ match: '/**', public: true }],
})

const statusOf = (outcome: Outcome) => (outcome.kind === 'respond' ? outcome.response.status : 200)
const headersOf = (outcome: Outcome): Headers =>
  outcome.kind === 'respond' ? outcome.response.headers : new Headers(outcome.responseHeaders as [string, string][])

/** Sends a request with an API key and completes it with the app's status, as an adapter does. */
async function call(engine: ReturnType<typeof createEngine>, key: string | undefined, appStatus = 200) {
  const outcome = await engine.handle(rawRequest(key === undefined ? {} : { headers: { 'x-api-key': key } }))
  const status = outcome.kind === 'respond' ? outcome.response.status : appStatus
  engine.complete(outcome.ctx, { status })
  return outcome
}

async function quotaEngine(quotas: GatewayConfig['quotas'], clock: Clock) {
  return createEngine({ clock, auth: await apiKeys(), quotas } as GatewayConfig)
}

describe('quotas: periods', () => {
  it('renews a monthly quota at the first of the month, Dec 31 → Jan 1', async () => {
    const { clock, set } = manualClock('2026-12-31T23:59:58Z')
    const engine = await quotaEngine([{ limit: 2, period: 'month' }], clock)
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(200)
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(200)
    const refused = await call(engine, 'pk_acme')
    expect(statusOf(refused)).toBe(429)
    expect(refused.kind === 'respond' && (await refused.response.json()).code).toBe('limit.quota_exhausted')
    expect(headersOf(refused).get('retry-after')).toBe('2')
    set('2027-01-01T00:00:00Z')
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(200)
  })

  it('counts Feb 29 in February of a leap year, and renews on March 1', async () => {
    const { clock, set } = manualClock('2028-02-29T12:00:00Z')
    const engine = await quotaEngine([{ limit: 1, period: 'month' }], clock)
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(200)
    set('2028-02-29T23:59:59.999Z')
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(429)
    set('2028-03-01T00:00:00Z')
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(200)
  })

  it('starts periods at midnight in the configured time zone', async () => {
    // 2026-12-31T15:00Z is already January 1st in Tokyo (UTC+9).
    const { clock, set } = manualClock('2026-12-31T14:59:59Z')
    const engine = await quotaEngine({ timeZone: 'Asia/Tokyo', rules: [{ limit: 1, period: 'day' }] }, clock)
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(200)
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(429)
    set('2026-12-31T15:00:00Z')
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(200)
  })

  it('renews on a billing anchor day, clamped to short months', async () => {
    const { clock, set } = manualClock('2027-01-31T10:00:00Z')
    const engine = await quotaEngine([{ limit: 1, period: { billing: 31 } }], clock)
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(200)
    set('2027-02-27T23:00:00Z')
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(429)
    set('2027-02-28T00:00:00Z')
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(200)
  })

  it('describes the quota in the RateLimit headers, with the period as the window', async () => {
    const { clock } = manualClock('2026-02-10T00:00:00Z')
    const engine = await quotaEngine([{ name: 'monthly', limit: 1000, period: 'month' }], clock)
    const headers = headersOf(await call(engine, 'pk_acme'))
    expect(headers.get('ratelimit-policy')).toBe(`"monthly";q=1000;w=${28 * 86400}`)
    expect(headers.get('ratelimit')).toBe(`"monthly";r=999;t=${19 * 86400}`)
  })
})

describe('quotas: who and what counts', () => {
  it('takes the limit from the consumer, else the first listed plan the consumer is in, else the default', async () => {
    const { clock } = manualClock('2026-03-03T00:00:00Z')
    const engine = await quotaEngine(
      [{ period: 'month', limit: 1, plans: { pro: 3, free: 2 }, consumers: { initech: 0 } }],
      clock,
    )
    const passes = async (key: string) => {
      let n = 0
      while (statusOf(await call(engine, key)) === 200 && n < 10) n++
      return n
    }
    expect(await passes('pk_acme')).toBe(2)
    expect(await passes('pk_globex')).toBe(3)
    expect(await passes('pk_initech')).toBe(0)
    // Anonymous callers have no quota.
    for (let i = 0; i < 5; i++) expect(statusOf(await call(engine, undefined))).toBe(200)
  })

  it('gives the count back for responses whose status does not count (5xx by default)', async () => {
    const { clock } = manualClock('2026-03-03T00:00:00Z')
    const engine = await quotaEngine([{ limit: 2, period: 'day' }], clock)
    expect(statusOf(await call(engine, 'pk_acme', 503))).toBe(200)
    expect(statusOf(await call(engine, 'pk_acme', 500))).toBe(200)
    expect(statusOf(await call(engine, 'pk_acme', 404))).toBe(200)
    expect(statusOf(await call(engine, 'pk_acme', 201))).toBe(200)
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(429)
    expect(await engine.limits.quotaUsage({ consumer: 'acme', groups: ['free'] })).toEqual([
      expect.objectContaining({ quota: 'quota-0', limit: 2, used: 2, remaining: 0 }),
    ])
  })

  it('counts only the configured statuses', async () => {
    const { clock } = manualClock('2026-03-03T00:00:00Z')
    const engine = await quotaEngine([{ limit: 1, period: 'day', countStatuses: ['2xx', 304] }], clock)
    expect(statusOf(await call(engine, 'pk_acme', 404))).toBe(200)
    expect(statusOf(await call(engine, 'pk_acme', 304))).toBe(200)
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(429)
  })

  it('does not count a request a rate limit refused', async () => {
    const { clock } = manualClock('2026-03-03T00:00:00Z')
    const engine = createEngine({
      clock,
      auth: await apiKeys(),
      rateLimits: [{ by: 'consumer', limit: 1, window: '1m' }],
      quotas: [{ limit: 10, period: 'day' }],
    } as GatewayConfig)
    await call(engine, 'pk_acme')
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(429)
    expect((await engine.limits.quotaUsage({ consumer: 'acme' }))[0]?.used).toBe(1)
  })

  it('reports usage and resets a consumer through engine.limits', async () => {
    const { clock } = manualClock('2026-03-03T10:00:00Z')
    const engine = await quotaEngine(
      [
        { name: 'daily', limit: 1, period: 'day' },
        { name: 'weekly', limit: 5, period: 'week' },
      ],
      clock,
    )
    await call(engine, 'pk_acme')
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(429)
    expect(await engine.limits.quotaUsage({ consumer: 'acme' })).toEqual([
      {
        quota: 'daily',
        limit: 1,
        used: 1,
        remaining: 0,
        periodStart: '2026-03-03T00:00:00.000Z',
        periodEnd: '2026-03-04T00:00:00.000Z',
      },
      {
        quota: 'weekly',
        limit: 5,
        used: 1,
        remaining: 4,
        periodStart: '2026-03-02T00:00:00.000Z',
        periodEnd: '2026-03-09T00:00:00.000Z',
      },
    ])
    await engine.limits.resetQuota('acme', 'daily')
    expect(statusOf(await call(engine, 'pk_acme'))).toBe(200)
    expect((await engine.limits.quotaUsage({ consumer: 'acme' }))[1]?.used).toBe(2)
  })

  it('only records in report mode', async () => {
    const { clock } = manualClock('2026-03-03T10:00:00Z')
    const engine = await quotaEngine([{ limit: 1, period: 'day', mode: 'report' }], clock)
    for (let i = 0; i < 3; i++) expect(statusOf(await call(engine, 'pk_acme'))).toBe(200)
  })

  it('refuses a quota that covers nobody and an unknown time zone at start-up', async () => {
    const build = async () =>
      createEngine({
        auth: await apiKeys(),
        quotas: { timeZone: 'Mars/Olympus', rules: [{ period: 'month' }, { limit: 1, period: 'fortnight' as never }] },
      } as GatewayConfig)
    const error = (await build().catch((e: unknown) => e)) as ConfigError
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.problems).toEqual(
      expect.arrayContaining([
        { path: 'quotas.timeZone', message: 'must be an IANA time zone, such as "UTC" or "Europe/Berlin"' },
        { path: 'quotas.rules[1].period', message: 'must be day, week, month or { billing: <day of month> }' },
      ]),
    )
    const empty = (await (async () =>
      createEngine({ auth: await apiKeys(), quotas: [{ period: 'month' }] } as GatewayConfig))().catch(
      (e: unknown) => e,
    )) as ConfigError
    expect(empty.problems).toEqual([
      { path: 'quotas[0]', message: 'needs a limit, plans or consumers: it would cover nobody' },
    ])
  })
})
