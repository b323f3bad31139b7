import { describe, expect, it } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { useFixture } from './helpers'

/** Request ids: made or adopted once, on every response, the same one the app sees. */
export function requestIdCases(adapter: AdapterFixture): void {
  describe('request ids', () => {
    const app = useFixture(adapter, {})

    it('gives every response a request id, the one the app sees', async () => {
      const response = await rawHttp(app.url, { target: '/users/7' })
      expect(response.status).toBe(200)
      const id = response.headers['x-request-id']
      expect(id).toMatch(/^[0-9a-f-]{36}$/)
      expect((response.json as EchoBody).requestId).toBe(id)
    })

    it('adopts an acceptable incoming x-request-id', async () => {
      const response = await rawHttp(app.url, { target: '/users/7', headers: { 'x-request-id': 'edge-42.a' } })
      expect(response.headers['x-request-id']).toBe('edge-42.a')
      expect((response.json as EchoBody).requestId).toBe('edge-42.a')
    })

    it('adopts the trace id of an incoming traceparent', async () => {
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
      const response = await rawHttp(app.url, { target: '/users/7', headers: { traceparent } })
      expect(response.headers['x-request-id']).toBe('4bf92f3577b34da6a3ce929d0e0e4736')
    })

    it('replaces an unacceptable incoming id', async () => {
      const response = await rawHttp(app.url, {
        target: '/users/7',
        headers: { 'x-request-id': `a${'b'.repeat(200)}` },
      })
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    })

    it('puts the request id on denials too, as the problem instance', async () => {
      const response = await rawHttp(app.url, { target: '/a%2fb', headers: { 'x-request-id': 'deny-1' } })
      expect(response.status).toBe(400)
      expect(response.headers['x-request-id']).toBe('deny-1')
      expect((response.json as { instance: string }).instance).toBe('deny-1')
    })
  })
}
