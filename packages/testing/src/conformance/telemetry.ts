import { hashApiKey } from '@portcullis/core'
import { describe, expect, it } from 'vitest'
import type { AdapterFixture } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { useFixture } from './helpers'

const key = 'pk_conformance_log_5Rw8nX2q'
const token = 'eyJhbGciOiJub25lIn0.bG9nLXNlY3JldA.c2ln'

/** Telemetry on every adapter: one access log line per request with the framework's template and no secret, and analytics by template. */
export function telemetryCases(adapter: AdapterFixture): void {
  describe('access log', () => {
    const lines: string[] = []
    const app = useFixture(adapter, async () => ({
      auth: {
        apiKeys: {
          in: [{ header: 'x-api-key' }, { query: 'api_key' }],
          keys: [{ id: 'l1', hash: await hashApiKey(key), consumer: 'acme' }],
        },
      },
      telemetry: {
        logs: { to: (line: string) => lines.push(line), headers: ['x-api-key', 'authorization', 'cookie'] },
        analytics: true,
      },
    }))
    const settle = () => new Promise((resolve) => setTimeout(resolve, 30))

    it('writes one line per request, with the status the client got and the route that answered', async () => {
      lines.length = 0
      await rawHttp(app.url, { target: `/users/42?api_key=${key}` })
      await rawHttp(app.url, { target: '/users/43', headers: { authorization: `Bearer ${token}` } })
      await settle()
      const [first, second] = lines.map((line) => JSON.parse(line))
      expect(lines).toHaveLength(2)
      expect(first).toMatchObject({
        level: 30,
        res: { statusCode: 200 },
        consumer: 'acme',
        decision: 'allowed',
        answeredBy: 'app',
      })
      expect(first.req).toMatchObject({ method: 'GET', path: '/users/42', query: 'api_key=[REDACTED]' })
      if (adapter.knowsRouteTemplates) expect(first.req.routeTemplate).toBe('/users/:id')
      expect(second).toMatchObject({
        level: 40,
        decision: 'denied',
        errorCode: 'auth.credentials_missing',
        res: { statusCode: 401 },
      })
    })

    it('never writes the credentials it saw', async () => {
      lines.length = 0
      await rawHttp(app.url, { target: '/users/1', headers: { 'x-api-key': key, cookie: `sid=${token}` } })
      await rawHttp(app.url, { target: `/users/2?api_key=${key}` })
      await settle()
      const output = lines.join('\n')
      expect(lines).toHaveLength(2)
      expect(output).not.toContain(key)
      expect(output).not.toContain(token)
    })

    it('counts analytics by the route template the framework matched', async () => {
      await rawHttp(app.url, { target: '/users/7', headers: { 'x-api-key': key } })
      await settle()
      const report = app.engine.telemetry.analytics()
      const names = report?.endpoints.map(({ name }) => name) ?? []
      expect(names).toContain(adapter.knowsRouteTemplates ? 'GET /users/:id' : 'GET (no route template)')
      expect(names.some((name) => /\/users\/\d/.test(name))).toBe(false)
      expect(report?.consumers.find(({ name }) => name === 'acme')?.requests).toBeGreaterThan(0)
      expect(report?.denials['auth.credentials_missing']).toBeGreaterThan(0)
    })

    it('hands event subscribers a context without secrets', async () => {
      const seen: string[] = []
      const bodyReads: Promise<unknown>[] = []
      const record = (event: { ctx: import('@portcullis/core').GatewayContext }) => {
        const { request } = event.ctx
        seen.push(
          JSON.stringify({
            headers: [...request.headers.entries()],
            apiKey: request.headers.get('x-api-key'),
            authorization: request.headers.get('authorization'),
            rawQuery: request.rawQuery,
            query: [...request.query],
            cookies: request.cookies,
            raw: request.raw === undefined ? 'withheld' : 'exposed',
            consumer: event.ctx.principal?.consumer,
          }),
        )
        bodyReads.push(
          request.body.text().then(
            () => 'read',
            () => 'withheld',
          ),
        )
      }
      const offs = [
        app.engine.events.on('request.received', record),
        app.engine.events.on('stage.decision', record),
        app.engine.events.on('request.responded', record),
      ]
      await rawHttp(app.url, {
        method: 'POST',
        target: `/json?api_key=${key}`,
        headers: { authorization: `Bearer ${token}`, cookie: `sid=${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ password: token }),
      })
      await settle()
      for (const off of offs) off()
      expect(seen.length).toBeGreaterThan(2)
      const everything = seen.join('\n')
      expect(everything).not.toContain(key)
      expect(everything).not.toContain(token)
      expect(everything).toContain('withheld')
      expect(everything).toContain('"consumer":"acme"')
      expect(new Set(await Promise.all(bodyReads))).toEqual(new Set(['withheld']))
    })
  })
}
