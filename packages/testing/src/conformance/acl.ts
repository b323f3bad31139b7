import { hashApiKey } from '@portcullis/core'
import { describe, expect, it } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { useFixture } from './helpers'

const keys = {
  partner: 'pk_acl_partner_7f3kQm2',
  admin: 'pk_acl_admin_9x2LpW4',
  suspended: 'pk_acl_suspended_4bT8',
  reader: 'pk_acl_reader_1zR6',
}
const code = (json: unknown) => (json as { code?: string }).code

/** The access-control list on every adapter: first match decides, deny beats allow, unlisted is denied. */
export function aclCases(adapter: AdapterFixture): void {
  describe('access control', () => {
    const app = useFixture(adapter, async () => ({
      auth: {
        apiKeys: {
          keys: [
            { id: 'p', hash: await hashApiKey(keys.partner), consumer: 'acme', groups: ['partners'] },
            { id: 'a', hash: await hashApiKey(keys.admin), consumer: 'root', groups: ['admins'] },
            { id: 's', hash: await hashApiKey(keys.suspended), consumer: 'mallory', groups: ['admins', 'suspended'] },
            {
              id: 'r',
              hash: await hashApiKey(keys.reader),
              consumer: 'rita',
              groups: ['readers'],
              scopes: ['bookings:read'],
            },
          ],
        },
      },
      acl: [
        { match: 'GET /users/**', allow: ['anonymous'] },
        { match: 'POST /json', allow: ['partners', 'consumer:rita'] },
        { match: '/admin/**', allow: ['admins'], deny: ['suspended'] },
        { match: 'GET /bookings/**', allow: ['scope:bookings:read'] },
      ],
    }))
    const call = (method: string, target: string, key?: string, headers: Record<string, string> = {}) =>
      rawHttp(app.url, {
        method,
        target,
        headers: { ...headers, ...(key === undefined ? {} : { 'x-api-key': key }), 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
      })

    it('lets anyone call a route that allows anonymous callers', async () => {
      expect((await call('GET', '/users/7')).status).toBe(200)
    })

    it('answers 401 to no identity and 403 to the wrong one', async () => {
      const anonymous = await call('POST', '/json')
      expect([anonymous.status, code(anonymous.json)]).toEqual([401, 'auth.credentials_missing'])
      expect(anonymous.headers['www-authenticate']).toBe('ApiKey realm="api"')
      expect((await call('POST', '/json', keys.partner)).status).toBe(200)
      expect((await call('POST', '/json', keys.reader)).status).toBe(200)
      const admin = await call('POST', '/json', keys.admin)
      expect([admin.status, code(admin.json)]).toEqual([403, 'acl.forbidden'])
    })

    it('lets deny win over allow', async () => {
      expect((await call('GET', '/admin/stats', keys.admin)).status).toBe(200)
      const suspended = await call('GET', '/admin/stats', keys.suspended)
      expect([suspended.status, code(suspended.json)]).toEqual([403, 'acl.denied'])
    })

    it('matches scopes', async () => {
      expect((await call('GET', '/bookings/9', keys.reader)).status).toBe(200)
      const partner = await call('GET', '/bookings/9', keys.partner)
      expect([partner.status, code(partner.json)]).toEqual([403, 'acl.forbidden'])
    })

    it('denies what no rule mentions, and matches the method too', async () => {
      const unlisted = await call('GET', '/elsewhere', keys.admin)
      expect([unlisted.status, code(unlisted.json)]).toEqual([403, 'acl.no_matching_rule'])
      const wrongMethod = await call('DELETE', '/users/7', keys.admin)
      expect([wrongMethod.status, code(wrongMethod.json)]).toEqual([403, 'acl.no_matching_rule'])
    })

    it('decides on the canonical path, so dot segments and encodings cannot dodge a rule', async () => {
      const dotted = await call('GET', '/users/../admin/stats')
      expect(dotted.status).toBe(401)
      const encoded = await call('GET', '/%61dmin/stats', keys.partner)
      expect([encoded.status, code(encoded.json)]).toEqual([403, 'acl.forbidden'])
      const trailing = await call('GET', '/admin/', keys.suspended)
      expect(code(trailing.json)).toBe('acl.denied')
    })

    it('ignores X-HTTP-Method-Override unless it is enabled', async () => {
      // As a GET this would be public; as the POST it is, it is protected and no rule allows it.
      const anonymous = await call('POST', '/users/7', undefined, { 'x-http-method-override': 'GET' })
      expect([anonymous.status, code(anonymous.json)]).toEqual([401, 'auth.credentials_missing'])
      const identified = await call('POST', '/users/7', keys.admin, { 'x-http-method-override': 'GET' })
      expect([identified.status, code(identified.json)]).toEqual([403, 'acl.no_matching_rule'])
    })

    it('hands the app the identity it checked', async () => {
      const response = await call('GET', '/admin/stats', keys.admin)
      expect((response.json as EchoBody).headers['x-consumer-id']).toBe('root')
    })
  })

  describe('access control with method override enabled', () => {
    const app = useFixture(adapter, {
      acl: { rules: [{ match: 'GET /users/**', allow: ['anonymous'] }], methodOverride: true },
    })

    it('evaluates a POST with X-HTTP-Method-Override as that method', async () => {
      const response = await rawHttp(app.url, {
        method: 'POST',
        target: '/users/7',
        headers: { 'x-http-method-override': 'GET' },
        body: '',
      })
      expect(response.status).toBe(200)
    })
  })
}
