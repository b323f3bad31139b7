import { hashApiKey } from '@portcullis/core'
import { afterEach, describe, expect, it } from 'vitest'
import { expressFixture } from '../src/adapters/express'
import { nodeFixture } from '../src/adapters/node'
import { type Answer, send } from './limit-http'
import { outageCooldown, outageGateway, stopOutageGateways } from './limit-outage'

// Outage policies against a real Redis that dies: each test kills a private redis-server of its own.

afterEach(stopOutageGateways)

/** Sends `count` requests one after another. */
async function sequence(url: string, count: number, headers?: Record<string, string>): Promise<Answer[]> {
  const answers: Answer[] = []
  for (let i = 0; i < count; i++) answers.push(await send(url, { headers }))
  return answers
}

const slow = (answers: readonly Answer[]) => answers.filter((answer) => answer.ms >= 150).length

describe('rate limits while Redis is down', () => {
  it('open (the default): pass uncounted, without RateLimit headers, promptly, with an event for each', async () => {
    const gw = await outageGateway(nodeFixture, {
      rateLimits: { outageCooldown, rules: [{ name: 'r', by: 'ip', limit: 3, window: '1m' }] },
    })
    const counted = await send(gw.url)
    expect([counted.status, counted.headers.ratelimit]).toEqual([200, '"r";r=2;t=60'])
    await gw.redis.kill()

    const callsBefore = gw.storeCalls()
    const started = performance.now()
    const answers = await sequence(gw.url, 20)
    const elapsed = performance.now() - started
    // Three times the limit, all through: nothing is counted while the store is out.
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200))
    expect(answers.filter((answer) => answer.headers.ratelimit !== undefined)).toEqual([])
    for (const answer of answers) expect(answer.ms).toBeLessThan(1000)
    // The breaker: one failed call opens it for the 1 s cooldown; the rest skip the store.
    const calls = gw.storeCalls() - callsBefore
    expect(calls).toBeGreaterThanOrEqual(1)
    expect(calls).toBeLessThanOrEqual(1 + Math.floor(elapsed / 1000))
    expect(slow(answers)).toBeLessThanOrEqual(2)

    expect(gw.engine.limits.fallbackCounts().rateLimits).toEqual({ open: 20, closed: 0, local: 0 })
    expect(gw.events).toHaveLength(20)
    for (const event of gw.events) expect(event).toMatchObject({ section: 'rateLimits', rule: 'r', policy: 'open' })
    // Only the calls that reached the store carry its error; the breaker's skips have none.
    const withCause = gw.events.filter((event) => event.cause !== undefined)
    expect(withCause).toHaveLength(calls)
    expect(String(withCause[0]?.cause)).toMatch(/^Error: Redis increment failed/)
  })

  it('a hung Redis costs the deadline once per cooldown, not on every request', async () => {
    const gw = await outageGateway(nodeFixture, {
      rateLimits: { outageCooldown, rules: [{ by: 'ip', limit: 100, window: '1m' }] },
    })
    expect((await send(gw.url)).status).toBe(200)
    // SIGSTOP: the connection stays up and nothing answers, so a call waits for its 200 ms deadline.
    gw.redis.pause()
    const callsBefore = gw.storeCalls()
    const started = performance.now()
    const answers = await sequence(gw.url, 20)
    const elapsed = performance.now() - started
    gw.redis.resume()

    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200))
    for (const answer of answers) expect(answer.ms).toBeLessThan(1000)
    expect(answers[0]?.ms).toBeGreaterThanOrEqual(150)
    const calls = gw.storeCalls() - callsBefore
    expect(calls).toBeLessThanOrEqual(1 + Math.floor(elapsed / 1000))
    expect(slow(answers)).toBe(calls)
    expect(slow(answers)).toBeLessThanOrEqual(2)
  })

  for (const adapter of [nodeFixture, expressFixture]) {
    it(`closed: 503 limit.store_unavailable with Retry-After, never 429 (${adapter.name})`, async () => {
      const gw = await outageGateway(adapter, {
        rateLimits: { outageCooldown, rules: [{ by: 'ip', limit: 2, window: '1m', onStoreError: 'closed' }] },
      })
      expect((await send(gw.url)).status).toBe(200)
      await gw.redis.kill()

      const answers = await sequence(gw.url, 6)
      for (const answer of answers) {
        expect(answer).toMatchObject({ status: 503, code: 'limit.store_unavailable' })
        // Retry once the breaker tries the store again: within the 1 s cooldown.
        expect(Number(answer.headers['retry-after'])).toBe(1)
        expect(answer.ms).toBeLessThan(1000)
      }
      expect(gw.engine.limits.fallbackCounts().rateLimits).toEqual({ open: 0, closed: 6, local: 0 })
    })
  }

  it('local: each of 2 instances allows ceil(10 / 2) = 5 per window in process, then 429', async () => {
    const gw = await outageGateway(nodeFixture, {
      rateLimits: {
        outageCooldown,
        instances: 2,
        rules: [{ by: 'ip', limit: 10, window: '1m', onStoreError: 'local' }],
      },
    })
    expect((await send(gw.url)).status).toBe(200)
    await gw.redis.kill()

    const answers = await sequence(gw.url, 8)
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429])
    expect(answers.slice(5).every((answer) => answer.code === 'limit.rate_exceeded')).toBe(true)
    expect(gw.engine.limits.fallbackCounts().rateLimits).toEqual({ open: 0, closed: 0, local: 8 })
  })
})

describe('quotas while Redis is down', () => {
  it('closed (the default): 503 limit.store_unavailable, never 429', async () => {
    const key = 'pk_outage_quota_4Rb9'
    const gw = await outageGateway(nodeFixture, {
      auth: { apiKeys: { keys: [{ id: 'q', hash: await hashApiKey(key), consumer: 'acme', groups: [] }] } },
      quotas: { outageCooldown, rules: [{ name: 'monthly', limit: 2, period: 'month' }] },
    })
    const headers = { 'x-api-key': key }
    expect((await send(gw.url, { headers })).status).toBe(200)
    await gw.redis.kill()

    const answers = await sequence(gw.url, 4, headers)
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, code: 'limit.store_unavailable' })
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    }
    expect(gw.engine.limits.fallbackCounts().quotas).toEqual({ open: 0, closed: 4, local: 0 })
    expect(gw.events.every((event) => event.section === 'quotas' && event.policy === 'closed')).toBe(true)
  })
})
