import { listen, rawHttp } from '@portcullis/testing'
import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app'

describe('the koa example', () => {
  it('serves through the gateway, and refuses what it must', async () => {
    const { app, gateway } = createApp()
    const server = await listen(app.callback())
    try {
      const hello = await rawHttp(server.url, { target: '/hello/world', headers: { 'x-request-id': 'ex-1' } })
      expect(hello.json).toEqual({ hello: 'world', requestId: 'ex-1', ip: '127.0.0.1' })
      const echo = await rawHttp(server.url, {
        method: 'POST',
        target: '/echo',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      })
      expect(echo.status).toBe(201)
      expect(echo.json).toEqual({ received: { a: 1 } })
      const refused = await rawHttp(server.url, { target: '/hello/..%2Fadmin' })
      expect(refused.status).toBe(400)
      expect(refused.headers['content-type']).toBe('application/problem+json')
      const tooBig = await rawHttp(server.url, { method: 'POST', target: '/echo', body: 'x'.repeat(70_000) })
      expect(tooBig.status).toBe(413)
    } finally {
      await server.close()
      await gateway.close()
    }
  })
})
