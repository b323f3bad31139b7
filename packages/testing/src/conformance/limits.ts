import { hashApiKey } from '@portcullis/core'
import { describe, expect, it } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { nextResponded, useFixture } from './helpers'

const code = (json: unknown) => (json as { code?: string }).code

/** Rate limits and quotas on every adapter: headers on the app's answers, 429 problems, keys from bodies. */
export function limitCases(adapter: AdapterFixture): void {
  describe('rate limits', () => {
    const app = useFixture(adapter, {
      rateLimits: [
        { name: 'users', match: 'GET /users/**', by: 'ip', limit: 2, window: '1m' },
        { name: 'orders', match: 'POST /json', by: { body: '/customer' }, limit: 1, window: '1m' },
      ],
    })

    it('puts RateLimit headers on the app’s responses, then refuses with a 429 problem and Retry-After', async () => {
      const first = await rawHttp(app.url, { target: '/users/1' })
      expect(first.status).toBe(200)
      expect((first.json as EchoBody).app).toBe(adapter.name)
      expect(first.headers['ratelimit-policy']).toBe('"users";q=2;w=60')
      expect(first.headers.ratelimit).toBe('"users";r=1;t=60')
      const second = await rawHttp(app.url, { target: '/users/2' })
      expect(second.headers.ratelimit).toMatch(/^"users";r=0;t=(59|60)$/)
      const refused = await rawHttp(app.url, { target: '/users/3' })
      expect(refused.status).toBe(429)
      expect(refused.headers['content-type']).toBe('application/problem+json')
      expect(code(refused.json)).toBe('limit.rate_exceeded')
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(59)
      expect(refused.headers.ratelimit).toMatch(/^"users";r=0;t=(59|60)$/)
      expect(refused.headers['x-request-id']).toBeDefined()
    })

    it('keys on a JSON body field, and the app still gets the body', async () => {
      const order = (customer: string) =>
        rawHttp(app.url, {
          method: 'POST',
          target: '/json',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ customer, items: 3 }),
        })
      const first = await order('c-1')
      expect(first.status).toBe(200)
      expect((first.json as EchoBody).body).toEqual({ customer: 'c-1', items: 3 })
      expect(code((await order('c-1')).json)).toBe('limit.rate_exceeded')
      expect((await order('c-2')).status).toBe(200)
    })

    it('reports the refusal as the response the client got', async () => {
      const responded = nextResponded(app.engine)
      await rawHttp(app.url, { target: '/users/4' })
      const event = await responded
      expect([event.status, event.answeredBy]).toEqual([429, 'gateway'])
    })
  })

  describe('quotas', () => {
    const key = 'pk_quota_conformance_5Tq'
    const app = useFixture(adapter, async () => ({
      auth: { apiKeys: { keys: [{ id: 'q', hash: await hashApiKey(key), consumer: 'acme', groups: ['free'] }] } },
      quotas: [{ name: 'monthly', period: 'month', plans: { free: 2 } }],
    }))
    const call = () => rawHttp(app.url, { target: '/users/1', headers: { 'x-api-key': key } })

    it('counts a consumer’s requests and refuses them with limit.quota_exhausted when used up', async () => {
      const first = await call()
      expect(first.status).toBe(200)
      expect(first.headers.ratelimit).toMatch(/^"monthly";r=1;t=\d+$/)
      expect((await call()).status).toBe(200)
      const refused = await call()
      expect([refused.status, code(refused.json)]).toEqual([429, 'limit.quota_exhausted'])
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
      const usage = await app.engine.limits.quotaUsage({ consumer: 'acme', groups: ['free'] })
      expect(usage.map(({ quota, used, remaining }) => ({ quota, used, remaining }))).toEqual([
        { quota: 'monthly', used: 2, remaining: 0 },
      ])
    })
  })
}
