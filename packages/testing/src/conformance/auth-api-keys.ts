import { type ApiKeyRecord, hashApiKey } from '@portcullis/core'
import { describe, expect, it } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { useFixture } from './helpers'

const goodKey = 'pk_test_acme_3kTzVb9QxR2mN7wLpF4dH8sJ'
const expiredKey = 'pk_test_old_Y6uE1cK0oA5iW9zG2tB7nM3v'

async function keyRecords(): Promise<ApiKeyRecord[]> {
  return [
    { id: 'acme-1', hash: await hashApiKey(goodKey), consumer: 'acme', groups: ['partners', 'gold'] },
    { id: 'old-1', hash: await hashApiKey(expiredKey), consumer: 'oldco', expiresAt: '2020-01-01T00:00:00Z' },
  ]
}

const problemCode = (json: unknown) => (json as { code?: string }).code

/** API keys on every adapter: where keys are read, what the app gets, what is refused. */
export function apiKeyCases(adapter: AdapterFixture): void {
  describe('API keys', () => {
    const app = useFixture(adapter, async () => ({
      auth: {
        apiKeys: {
          in: [{ header: 'x-api-key' }, { query: 'api_key' }, { cookie: 'api_key' }],
          keys: await keyRecords(),
        },
        routes: [{ match: 'GET /users/**', public: true }],
      },
    }))

    it('refuses a protected route without a key: 401 with an ApiKey challenge', async () => {
      const response = await rawHttp(app.url, { target: '/private/report' })
      expect(response.status).toBe(401)
      expect(problemCode(response.json)).toBe('auth.credentials_missing')
      expect(response.headers['www-authenticate']).toBe('ApiKey realm="api"')
      expect(response.headers['content-type']).toBe('application/problem+json')
    })

    it('accepts a key from the header, names the consumer onward and strips the key', async () => {
      const response = await rawHttp(app.url, { target: '/private/report', headers: { 'x-api-key': goodKey } })
      expect(response.status).toBe(200)
      const echo = response.json as EchoBody
      expect(echo.principal).toEqual({
        consumer: 'acme',
        groups: ['partners', 'gold'],
        scopes: [],
        credential: 'api-key',
      })
      expect(echo.headers['x-consumer-id']).toBe('acme')
      expect(echo.headers['x-consumer-groups']).toBe('partners,gold')
      expect(echo.headers['x-api-key']).toBeUndefined()
    })

    it('accepts a key from the query and takes it out of the URL the app sees', async () => {
      const response = await rawHttp(app.url, { target: `/private/report?year=2026&api_key=${goodKey}&x=1` })
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).url).toBe('/private/report?year=2026&x=1')
    })

    it('accepts a key from a cookie and takes it out of the Cookie header', async () => {
      const response = await rawHttp(app.url, {
        target: '/private/report',
        headers: { cookie: `theme=dark; api_key=${goodKey}` },
      })
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).headers.cookie).toBe('theme=dark')
    })

    it('refuses an unknown key and an expired one', async () => {
      const unknown = await rawHttp(app.url, { target: '/private/report', headers: { 'x-api-key': `${goodKey}x` } })
      expect(unknown.status).toBe(401)
      expect(problemCode(unknown.json)).toBe('auth.api_key_invalid')
      expect(unknown.headers['www-authenticate']).toBe('ApiKey realm="api"')
      expect(unknown.body).not.toContain(goodKey)
      const expired = await rawHttp(app.url, { target: '/private/report', headers: { 'x-api-key': expiredKey } })
      expect(expired.status).toBe(401)
      expect(problemCode(expired.json)).toBe('auth.api_key_expired')
    })

    it('replaces identity headers a client sent, with or without a key', async () => {
      const spoofed = { 'x-consumer-id': 'admin', 'x-consumer-groups': 'admins' }
      const withKey = await rawHttp(app.url, {
        target: '/private/report',
        headers: { ...spoofed, 'x-api-key': goodKey },
      })
      expect((withKey.json as EchoBody).headers['x-consumer-id']).toBe('acme')
      expect((withKey.json as EchoBody).headers['x-consumer-groups']).toBe('partners,gold')
      const anonymous = await rawHttp(app.url, { target: '/users/7', headers: spoofed })
      expect(anonymous.status).toBe(200)
      expect((anonymous.json as EchoBody).headers['x-consumer-id']).toBeUndefined()
      expect((anonymous.json as EchoBody).headers['x-consumer-groups']).toBeUndefined()
      expect((anonymous.json as EchoBody).principal).toBeNull()
    })

    it('lets anyone call a public route, but refuses a bad key presented there', async () => {
      expect((await rawHttp(app.url, { target: '/users/7' })).status).toBe(200)
      const withGoodKey = await rawHttp(app.url, { target: '/users/7', headers: { 'x-api-key': goodKey } })
      expect((withGoodKey.json as EchoBody).principal?.consumer).toBe('acme')
      const withBadKey = await rawHttp(app.url, { target: '/users/7', headers: { 'x-api-key': 'nope' } })
      expect(withBadKey.status).toBe(401)
    })
  })

  describe('API keys from an async source', () => {
    const lookups: string[] = []
    let failing = false
    const app = useFixture(adapter, async () => {
      const records = await keyRecords()
      return {
        auth: {
          apiKeys: {
            source: async (hash: string) => {
              lookups.push(hash)
              if (failing) throw new Error('database down: postgres://user:pw@db')
              await new Promise((resolve) => setTimeout(resolve, 20))
              return records.find((record) => record.hash === hash)
            },
          },
        },
      }
    })

    it('asks the source once per key, for known and unknown keys alike', async () => {
      lookups.length = 0
      for (let i = 0; i < 3; i++) {
        expect((await rawHttp(app.url, { target: '/private', headers: { 'x-api-key': goodKey } })).status).toBe(200)
        expect((await rawHttp(app.url, { target: '/private', headers: { 'x-api-key': 'random-guess' } })).status).toBe(
          401,
        )
      }
      expect(lookups).toHaveLength(2)
      expect(lookups.every((hash) => hash.startsWith('sha256:'))).toBe(true)
    })

    it('makes concurrent requests with one new key share one lookup', async () => {
      lookups.length = 0
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          rawHttp(app.url, { target: '/private', headers: { 'x-api-key': 'flood-key-1' } }),
        ),
      )
      expect(responses.every((response) => response.status === 401)).toBe(true)
      expect(lookups).toHaveLength(1)
    })

    it('answers 503 when the source fails, never letting the request through', async () => {
      failing = true
      try {
        const response = await rawHttp(app.url, { target: '/private', headers: { 'x-api-key': 'never-seen-key' } })
        expect(response.status).toBe(503)
        expect(problemCode(response.json)).toBe('auth.key_source_unavailable')
        expect(response.headers['retry-after']).toBe('5')
        expect(response.body).not.toMatch(/postgres|database/)
      } finally {
        failing = false
      }
    })
  })
}
