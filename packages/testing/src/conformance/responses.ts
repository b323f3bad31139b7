import { proceed, respond, type Stage } from '@portcullis/core'
import { describe, expect, it } from 'vitest'
import type { AdapterFixture } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { nextResponded, useFixture } from './helpers'

const large = 'z'.repeat(300 * 1024)

/** A stage that answers some requests itself, the way routes, handlers and caches will. */
const answers: Stage = {
  name: 'answers',
  phase: 'route',
  run(ctx) {
    if (ctx.request.path === '/gateway/small') {
      const headers = new Headers({ 'content-type': 'text/plain', 'x-served-by': 'gateway' })
      headers.append('set-cookie', 'a=1; Path=/')
      headers.append('set-cookie', 'b=2; Path=/')
      return respond(new Response('hello from the gateway', { status: 201, headers }))
    }
    if (ctx.request.path === '/gateway/stream') {
      const bytes = new TextEncoder().encode(large)
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < bytes.length; offset += 16 * 1024)
            controller.enqueue(bytes.subarray(offset, offset + 16 * 1024))
          controller.close()
        },
      })
      return respond(new Response(stream, { status: 200, headers: { 'content-type': 'text/plain' } }))
    }
    return proceed
  },
}

/** Responses from stages reach the client whole: status, every header, the body, streamed when large. */
export function responseCases(adapter: AdapterFixture): void {
  describe('responses from stages', () => {
    const app = useFixture(adapter, { stages: [answers] })

    it('writes status, headers (each Set-Cookie apart) and body as the stage made them', async () => {
      const responded = nextResponded(app.engine)
      const response = await rawHttp(app.url, { target: '/gateway/small' })
      expect(response.status).toBe(201)
      expect(response.body).toBe('hello from the gateway')
      expect(response.headers['x-served-by']).toBe('gateway')
      expect(response.setCookies).toEqual(['a=1; Path=/', 'b=2; Path=/'])
      expect(response.headers['x-request-id']).toBeTruthy()
      const event = await responded
      expect(event.answeredBy).toBe('gateway')
      expect(event.status).toBe(201)
    })

    it('streams a large body through', async () => {
      const response = await rawHttp(app.url, { target: '/gateway/stream' })
      expect(response.status).toBe(200)
      expect(response.body.length).toBe(large.length)
      expect(response.body).toBe(large)
    })

    it('answers HEAD without a body', async () => {
      const response = await rawHttp(app.url, { method: 'HEAD', target: '/gateway/small' })
      expect(response.status).toBe(201)
      expect(response.body).toBe('')
    })
  })
}
