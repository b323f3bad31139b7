import { hashApiKey } from '@portcullis/core'
import { describe, expect, it } from 'vitest'
import type { AdapterFixture } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { nextResponded, useFixture } from './helpers'

const adminToken = 'adm_conformance_4Vq9mZ2xT7kP1sW8'
const apiKey = 'pk_conformance_admin_8Hw2nQ5r'

/** The admin API on every adapter: answered by the gateway before the app, behind its token, and never learned as API traffic. */
export function adminCases(adapter: AdapterFixture): void {
  describe('admin API', () => {
    const app = useFixture(adapter, async () => ({
      auth: { apiKeys: { keys: [{ id: 'a1', hash: await hashApiKey(apiKey), consumer: 'acme' }] } },
      acl: [{ match: 'GET /users/*', allow: ['authenticated'] }],
      discovery: { sessionKey: ['consumer', 'ip'] },
      telemetry: { analytics: true },
      admin: { token: adminToken, dashboard: false },
    }))
    const admin = (target: string, init: { method?: string; body?: string; token?: string } = {}) =>
      rawHttp(app.url, {
        method: init.method ?? 'GET',
        target: `/_portcullis/api/${target}`,
        headers: {
          ...(init.token === '' ? {} : { authorization: `Bearer ${init.token ?? adminToken}` }),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: init.body }),
      })

    it('refuses a call without the token, or with a wrong one, with 401 and a Bearer challenge', async () => {
      const missing = await admin('health', { token: '' })
      expect(missing.status).toBe(401)
      expect(missing.headers['content-type']).toContain('application/problem+json')
      expect(missing.headers['www-authenticate']).toContain('Bearer')
      expect(missing.json).toMatchObject({ code: 'admin.unauthorized' })
      const wrong = await admin('health', { token: `${adminToken}x` })
      expect(wrong.status).toBe(401)
      expect(wrong.body).not.toContain(adminToken)
    })

    it('answers with the token, before the app and before authentication', async () => {
      const health = await admin('health')
      expect(health.status).toBe(200)
      expect(health.headers['cache-control']).toBe('no-store')
      expect(health.json).toMatchObject({ status: 'ok', ready: true, store: { kind: 'memory', reachable: true } })
      // The app never saw it: the fixture's echo body names the app.
      expect(health.body).not.toContain('"app"')
    })

    it('lists discovered endpoints with their review state, and keeps a decision', async () => {
      for (const id of ['7', '8']) {
        const responded = nextResponded(app.engine)
        await rawHttp(app.url, { target: `/users/${id}`, headers: { 'x-api-key': apiKey } })
        await responded
      }
      const template = adapter.knowsRouteTemplates ? '/users/{id}' : undefined
      const listed = (await admin('endpoints')).json as {
        endpoints: { method: string; template: string; review: string; requests: number }[]
      }
      const users = listed.endpoints.find(
        (endpoint) => endpoint.method === 'GET' && endpoint.template.startsWith('/users/'),
      )
      expect(users).toMatchObject({ review: 'new', requests: 2 })
      if (template !== undefined) expect(users?.template).toBe(template)
      const saved = await admin('endpoints/review', {
        method: 'PUT',
        body: JSON.stringify({ method: 'GET', template: users?.template, state: 'saved' }),
      })
      expect(saved.status).toBe(200)
      const again = (await admin('endpoints')).json as typeof listed
      expect(again.endpoints.find((endpoint) => endpoint.template === users?.template)?.review).toBe('saved')
    })

    it('is neither learned by discovery nor counted in analytics', async () => {
      await admin('health')
      await admin('nothing-here')
      await new Promise((resolve) => setTimeout(resolve, 30))
      const endpoints = (await app.engine.discovery?.endpoints()) ?? []
      expect(endpoints.some((endpoint) => endpoint.template.startsWith('/_portcullis'))).toBe(false)
      const analytics = app.engine.telemetry.analytics()
      expect(analytics?.endpoints.some((endpoint) => endpoint.name.includes('_portcullis'))).toBe(false)
    })

    it('answers unknown resources, wrong methods and bad bodies with problems', async () => {
      expect((await admin('nothing-here')).json).toMatchObject({ status: 404, code: 'admin.not_found' })
      const wrongMethod = await admin('health', { method: 'DELETE' })
      expect(wrongMethod.status).toBe(405)
      expect(wrongMethod.headers.allow).toBe('GET')
      const notJson = await admin('endpoints/review', { method: 'PUT', body: '{"method":' })
      expect(notJson.status).toBe(400)
      const badState = await admin('endpoints/review', {
        method: 'PUT',
        body: JSON.stringify({ method: 'GET', template: '/users/{id}', state: 'maybe' }),
      })
      expect(badState.json).toMatchObject({ status: 400, code: 'admin.bad_request' })
      expect((await admin('quotas/acme')).json).toMatchObject({ status: 404, code: 'admin.not_enabled' })
    })

    it('never returns a secret in the configuration summary', async () => {
      const summary = await admin('config')
      expect(summary.status).toBe(200)
      expect(summary.body).not.toContain(adminToken)
      expect(summary.body).not.toContain(await hashApiKey(apiKey))
      expect(summary.json).toMatchObject({
        admin: { token: '[REDACTED]' },
        discovery: { sessionKey: ['consumer', 'ip'] },
      })
    })
  })
}
