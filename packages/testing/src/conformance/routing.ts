import net from 'node:net'
import { hashApiKey } from '@portcullis/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { rawExchange, rawHttp } from '../raw-http'
import { freePort } from '../redis-server'
import { startUpstream, type UpstreamServer } from '../upstream-server'
import { nextResponded, useFixture } from './helpers'

const key = 'pk_test_routes_8hQe2LmZ0vX4nB7c'
const code = (json: unknown) => (json as { code?: string }).code

/** Routes on every adapter: to an upstream, to an in-process handler, and past them to the app. */
export function routingCases(adapter: AdapterFixture): void {
  describe('routes', () => {
    let prices: UpstreamServer
    let closedPort: number
    let released: Promise<void> = Promise.resolve()
    let sawFirst: () => void = () => {}
    const firstSeen = new Promise<void>((resolve) => {
      sawFirst = resolve
    })
    beforeAll(async () => {
      prices = await startUpstream('prices', (req, res, received) => {
        if (req.url?.startsWith('/prices/stall')) {
          // Declares 100 bytes, sends 10, then stalls past the body timeout.
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' })
          res.write('0123456789')
          return
        }
        if (req.url?.startsWith('/prices/moved')) {
          res.writeHead(302, { location: '/prices/new-home' }).end()
          return
        }
        let body = ''
        req.setEncoding('utf8')
        req.on('data', (chunk: string) => {
          body += chunk
        })
        req.on('end', () => {
          Object.assign(received, { body })
          res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'prices', connection: 'close' })
          res.end(JSON.stringify({ url: req.url, body }))
        })
      })
      closedPort = await freePort()
    })
    afterAll(() => prices.close())

    const app = useFixture(adapter, async () => ({
      auth: {
        apiKeys: { in: [{ header: 'x-api-key' }], keys: [{ id: 'r1', hash: await hashApiKey(key), consumer: 'acme' }] },
      },
      routes: [
        { name: 'prices', match: '/api/v1/prices/**', upstream: prices.url, stripPrefix: '/api/v1' },
        {
          name: 'rooms',
          match: 'GET /api/v1/rooms/{id}',
          handler: (request, { params, gateway }) =>
            Response.json({
              room: params.id,
              consumer: gateway.principal?.consumer,
              apiKey: request.headers.get('x-api-key'),
              url: new URL(request.url).pathname,
            }),
        },
        {
          name: 'events',
          match: 'GET /api/v1/events',
          handler: () => {
            let release: () => void = () => {}
            released = new Promise<void>((resolve) => {
              release = resolve
            })
            const body = new ReadableStream<Uint8Array>({
              async start(controller) {
                controller.enqueue(new TextEncoder().encode('data: first\n\n'))
                await firstSeen
                controller.enqueue(new TextEncoder().encode('data: second\n\n'))
                controller.close()
                release()
              },
            })
            return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
          },
        },
        { name: 'down', match: '/api/v1/down/**', upstream: `http://127.0.0.1:${closedPort}`, stripPrefix: '/api/v1' },
        {
          name: 'stalling',
          match: '/api/v1/stall/**',
          upstream: { targets: [prices.url], timeouts: { body: '300ms' } },
          addPrefix: '/prices',
          stripPrefix: '/api/v1',
        },
      ],
    }))
    const withKey = { 'x-api-key': key }

    it('sends a matching request to its upstream: path rewritten, key stripped, consumer and client named', async () => {
      const responded = nextResponded(app.engine)
      const routed: unknown[] = []
      const off = app.engine.events.on('request.routed', ({ route, answeredBy, target, origin, status }) =>
        routed.push({ route, answeredBy, target, origin, status }),
      )
      const response = await rawHttp(app.url, { target: '/api/v1/prices/h1?nights=2', headers: withKey })
      expect(response.status).toBe(200)
      expect(response.headers['x-upstream']).toBe('prices')
      expect(response.headers['x-request-id']).toBeDefined()
      const seen = prices.last()
      expect(seen?.url).toBe('/prices/h1?nights=2')
      expect(seen?.headers['x-api-key']).toBeUndefined()
      expect(seen?.headers['x-consumer-id']).toBe('acme')
      expect(seen?.headers['x-forwarded-for']).toBe('127.0.0.1')
      expect(seen?.headers['x-forwarded-proto']).toBe('http')
      expect(seen?.headers['x-forwarded-host']).toBe(new URL(app.url).host)
      expect((await responded).answeredBy).toBe('upstream')
      off()
      expect(routed).toEqual([
        { route: 'prices', answeredBy: 'upstream', target: '/prices/h1?nights=2', origin: prices.url, status: 200 },
      ])
    })

    it('streams a request body on to the upstream', async () => {
      const body = JSON.stringify({ hotel: 'h1', nights: 3 })
      const response = await rawHttp(app.url, {
        method: 'POST',
        target: '/api/v1/prices/quote',
        headers: { ...withKey, 'content-type': 'application/json' },
        body,
        chunked: 7,
      })
      expect(response.status).toBe(200)
      expect(response.json).toEqual({ url: '/prices/quote', body })
    })

    it('passes an upstream redirect through without following it', async () => {
      const response = await rawHttp(app.url, { target: '/api/v1/prices/moved', headers: withKey })
      expect(response.status).toBe(302)
      expect(response.headers.location).toBe('/prices/new-home')
    })

    it('answers from an in-process handler with the same onward request', async () => {
      const responded = nextResponded(app.engine)
      const response = await rawHttp(app.url, { target: '/api/v1/rooms/r-7', headers: withKey })
      expect(response.status).toBe(200)
      expect(response.json).toEqual({ room: 'r-7', consumer: 'acme', apiKey: null, url: '/api/v1/rooms/r-7' })
      expect((await responded).answeredBy).toBe('handler')
    })

    it('writes a handler’s in-memory answer with its length, and streams one still being produced', async () => {
      const rooms = await rawHttp(app.url, { target: '/api/v1/rooms/r-1', headers: withKey })
      expect(rooms.headers['content-length']).toBe(String(Buffer.byteLength(rooms.body)))
      expect(rooms.headers['transfer-encoding']).toBeUndefined()
      const { host, hostname, port } = new URL(app.url)
      const socket = net.connect({ host: hostname, port: Number(port) })
      socket.write(`GET /api/v1/events HTTP/1.1\r\nHost: ${host}\r\nx-api-key: ${key}\r\nConnection: close\r\n\r\n`)
      let received = ''
      socket.setEncoding('latin1')
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the first event did not arrive on its own: ${received}`)),
          3000,
        )
        socket.on('data', (chunk: string) => {
          received += chunk
          if (received.includes('data: first')) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
      expect(received).not.toContain('data: second')
      sawFirst()
      await released
      await new Promise((resolve) => socket.on('close', resolve))
      expect(received).toContain('data: second')
    })

    it('lets a request no route matches fall through to the app', async () => {
      const response = await rawHttp(app.url, { target: '/api/v1/hotels', headers: withKey })
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).app).toBe(adapter.name)
    })

    it('answers 502 problem+json when the upstream refuses connections', async () => {
      const response = await rawHttp(app.url, { target: '/api/v1/down/x', headers: withKey })
      expect(response.status).toBe(502)
      expect(response.headers['content-type']).toBe('application/problem+json')
      expect(code(response.json)).toBe('route.upstream_failed')
    })

    it('cuts the connection when the upstream’s body stalls after its headers, and goes on serving', async () => {
      const { host } = new URL(app.url)
      const cut = await rawExchange(
        app.url,
        `GET /api/v1/stall/x HTTP/1.1\r\nHost: ${host}\r\nx-api-key: ${key}\r\nConnection: close\r\n\r\n`,
        5000,
      )
      // Whatever arrived, never the 100 bytes the upstream promised, and no error page after a 200.
      expect(cut).not.toContain('0123456789'.repeat(10))
      expect(cut).not.toContain('gateway.internal_error')
      const after = await rawHttp(app.url, { target: '/api/v1/hotels', headers: withKey })
      expect(after.status).toBe(200)
    })

    it('checks the caller before routing', async () => {
      const response = await rawHttp(app.url, { target: '/api/v1/prices/h1' })
      expect(response.status).toBe(401)
      expect(prices.received.every((request) => request.url !== '/prices/h1' || request.headers['x-consumer-id'])).toBe(
        true,
      )
    })
  })
}
