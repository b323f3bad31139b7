import net from 'node:net'
import { describe, expect, it } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { readsBodyStage } from '../stages'
import { nextResponded, useFixture } from './helpers'

const json = { 'content-type': 'application/json' }

/** The body: bounded, read at most once, and still the app's after the gateway read it. */
export function bodyCases(adapter: AdapterFixture): void {
  describe('request bodies, untouched by the stages', () => {
    const app = useFixture(adapter, { request: { maxBodyBytes: 1024 } })

    it('refuses a declared Content-Length over the limit with 413 before reading it', async () => {
      const responded = nextResponded(app.engine)
      const response = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: json,
        body: 'x'.repeat(2048),
      })
      expect(response.status).toBe(413)
      expect((response.json as { code: string }).code).toBe('request.body_too_large')
      expect(response.headers.connection).toBe('close')
      expect((await responded).answeredBy).toBe('gateway')
    })

    it('leaves a body no stage needs to the app', async () => {
      const response = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: json,
        body: '{"name":"Ada"}',
      })
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).body).toEqual({ name: 'Ada' })
    })
  })

  describe('request bodies read by a stage', () => {
    const app = useFixture(adapter, { request: { maxBodyBytes: 1024, maxJsonDepth: 8 }, stages: [readsBodyStage] })

    it('hands a body the gateway parsed on to the framework parser', async () => {
      const response = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: json,
        body: '{"name":"Ada","tags":["a"]}',
      })
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).body).toEqual({ name: 'Ada', tags: ['a'] })
    })

    it('hands a body the gateway read on to a raw stream reader', async () => {
      const text = 'line one\nline two ✓'
      const response = await rawHttp(app.url, {
        method: 'POST',
        target: '/raw',
        headers: { 'content-type': 'text/plain' },
        body: text,
      })
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).body).toBe(text)
    })

    it('reads a chunked body within the limit and hands it on', async () => {
      const body = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => i) })
      const response = await rawHttp(app.url, { method: 'POST', target: '/json', headers: json, body, chunked: 16 })
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).body).toEqual(JSON.parse(body))
    })

    it('refuses a chunked body over the limit with 413 as soon as it crosses it', async () => {
      const response = await rawHttp(app.url, { method: 'POST', target: '/raw', body: 'y'.repeat(4096), chunked: 512 })
      expect(response.status).toBe(413)
      expect((response.json as { code: string }).code).toBe('request.body_too_large')
    })

    it('survives a client that goes away in the middle of the body', async () => {
      const responded = nextResponded(app.engine)
      const { hostname, port } = new URL(app.url)
      const socket = net.connect({ host: hostname, port: Number(port) })
      await new Promise((resolve) => socket.once('connect', resolve))
      socket.write(`POST /raw HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n${'z'.repeat(100)}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
      socket.destroy()
      const event = await responded
      expect(event.ctx.request.path).toBe('/raw')
      expect((await rawHttp(app.url, { target: '/users/7' })).status).toBe(200)
    })

    it('refuses JSON that does not parse, or nests too deep', async () => {
      const broken = await rawHttp(app.url, { method: 'POST', target: '/json', headers: json, body: '{"name":' })
      expect(broken.status).toBe(400)
      expect((broken.json as { code: string }).code).toBe('request.invalid_json')
      const deep = await rawHttp(app.url, {
        method: 'POST',
        target: '/json',
        headers: json,
        body: `${'['.repeat(20)}${']'.repeat(20)}`,
      })
      expect(deep.status).toBe(400)
      expect((deep.json as { code: string }).code).toBe('request.json_too_deep')
    })
  })
}
