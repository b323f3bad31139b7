import { setTimeout as sleep } from 'node:timers/promises'
import { hashApiKey } from '@portcullis/core'
import { afterEach, describe, expect, it } from 'vitest'
import { nodeFixture } from '../src/adapters/node'
import { startRedisServer } from '../src/index'
import { type Answer, send } from './limit-http'
import { outageCooldown, outageGateway, stopOutageGateways } from './limit-outage'

// Recovery: after a private redis-server dies and comes back on its port, the limits count again.

afterEach(stopOutageGateways)

/** Sends requests until one answers as `done` wants, for at most `timeoutMs`. */
async function until(request: () => Promise<Answer>, done: (answer: Answer) => boolean, timeoutMs = 5000) {
  const started = Date.now()
  for (;;) {
    const answer = await request()
    if (done(answer)) return answer
    if (Date.now() - started > timeoutMs) throw new Error(`no recovery within ${timeoutMs} ms: ${answer.status}`)
    await sleep(100)
  }
}

const statusesOf = async (count: number, request: () => Promise<Answer>) => {
  const statuses: number[] = []
  for (let i = 0; i < count; i++) statuses.push((await request()).status)
  return statuses
}

describe('after Redis restarts on the same port', () => {
  it('rate limits (open) and quotas (closed) count and enforce again, by themselves', async () => {
    const key = 'pk_recovery_quota_8Vd1'
    const headers = { 'x-api-key': key }
    const limiter = await outageGateway(nodeFixture, {
      rateLimits: { outageCooldown, rules: [{ name: 'r', by: 'ip', limit: 3, window: '1m' }] },
    })
    const quota = await outageGateway(
      nodeFixture,
      {
        auth: { apiKeys: { keys: [{ id: 'q', hash: await hashApiKey(key), consumer: 'acme', groups: [] }] } },
        quotas: { outageCooldown, rules: [{ name: 'monthly', limit: 2, period: 'month' }] },
      },
      limiter.redis,
    )
    const rate = () => send(limiter.url)
    const quoted = () => send(quota.url, { headers })
    expect((await rate()).headers.ratelimit).toBe('"r";r=2;t=60')
    expect((await quoted()).status).toBe(200)

    await limiter.redis.kill()
    const uncounted = await rate()
    expect([uncounted.status, uncounted.headers.ratelimit]).toEqual([200, undefined])
    expect(await quoted()).toMatchObject({ status: 503, code: 'limit.store_unavailable' })

    // Persistence is off: the restarted Redis is empty, so every count starts again from zero.
    const restarted = Date.now()
    await startRedisServer(limiter.redis.port)
    const firstCounted = await until(rate, (answer) => answer.headers.ratelimit !== undefined)
    expect(firstCounted.headers.ratelimit).toBe('"r";r=2;t=60')
    expect(await statusesOf(3, rate)).toEqual([200, 200, 429])

    const firstQuota = await until(quoted, (answer) => answer.status !== 503)
    expect(firstQuota.status).toBe(200)
    expect(await statusesOf(2, quoted)).toEqual([200, 429])
    expect(await quota.engine.limits.quotaUsage({ consumer: 'acme' })).toMatchObject([{ used: 2, remaining: 0 }])
    // The breaker's cooldown (1 s) and ioredis's reconnect backoff (≤ 1 s) bound the recovery.
    expect(Date.now() - restarted).toBeLessThan(5000)
  })
})
