import { deny, GatewayError, proceed, type Stage } from '@portcullis/core'
import { describe, expect, it } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { nextResponded, useFixture } from './helpers'

const blockPrivate: Stage = {
  name: 'block-private',
  phase: 'authorize',
  run: (ctx) =>
    ctx.request.path.startsWith('/private')
      ? deny(new GatewayError('route.not_found', { detail: 'Nothing here.' }))
      : proceed,
}
const dryRun: Stage = {
  name: 'dry-run',
  phase: 'limit',
  mode: 'report',
  run: () => deny(new GatewayError('route.not_found')),
}
const buggy: Stage = {
  name: 'buggy',
  phase: 'validate',
  run: (ctx) => {
    if (ctx.request.path === '/crash') throw new Error('connection string postgres://admin:hunter2@db')
    return proceed
  },
}

/** Denials are problem+json with stable codes; internal errors leak nothing; report mode passes. */
export function problemCases(adapter: AdapterFixture): void {
  describe('problem responses', () => {
    const app = useFixture(adapter, { stages: [blockPrivate, dryRun, buggy] })

    it('answers a denial with RFC 9457 problem+json and never reaches the app', async () => {
      const responded = nextResponded(app.engine)
      const response = await rawHttp(app.url, { target: '/private/x' })
      expect(response.status).toBe(404)
      expect(response.headers['content-type']).toBe('application/problem+json')
      expect(response.json).toEqual({
        type: 'https://portcullis.dev/errors#route.not_found',
        title: 'No handler for this request',
        status: 404,
        code: 'route.not_found',
        detail: 'Nothing here.',
        instance: response.headers['x-request-id'],
      })
      expect((await responded).answeredBy).toBe('gateway')
    })

    it('turns a failing stage into gateway.internal_error without a trace of the cause', async () => {
      const response = await rawHttp(app.url, { target: '/crash' })
      expect(response.status).toBe(500)
      expect((response.json as { code: string }).code).toBe('gateway.internal_error')
      expect(response.body).not.toMatch(/hunter2|postgres|at .*\.ts/)
    })

    it('lets a report-mode denial through to the app', async () => {
      const response = await rawHttp(app.url, { target: '/users/7' })
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).app).toBe(adapter.name)
    })

    it('keeps serving after a failure', async () => {
      await rawHttp(app.url, { target: '/crash' })
      expect((await rawHttp(app.url, { target: '/users/8' })).status).toBe(200)
    })
  })
}
