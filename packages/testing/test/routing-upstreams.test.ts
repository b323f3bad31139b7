import http from 'node:http'
import net from 'node:net'
import type { GatewayConfig } from '@portcullis/core'
import { gateway, type NodeGateway } from '@portcullis/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  freePort,
  type Listening,
  listen,
  type RawResponse,
  rawExchange,
  rawHttp,
  readStream,
  startUpstream,
  type UpstreamHandler,
  type UpstreamServer,
} from '../src/index'

// Routes through the Node adapter to real upstream servers on port 0: streaming, timeouts, retries,
// balancing, passive and active health, path / query / header transforms, hop-by-hop headers, and
// requests built to slip something past the gateway.

// ---------------------------------------------------------------------------------------------
// Fixtures: every server and gateway a test starts is closed after it.

const servers: Listening[] = []
const gateways: NodeGateway[] = []
const releases: (() => void)[] = []

afterEach(async () => {
  for (const release of releases.splice(0)) release()
  // Servers first (closeAllConnections ends requests still held upstream), then the gateways,
  // whose undici pools wait for the requests in flight.
  await Promise.all(servers.splice(0).map((server) => server.close()))
  await Promise.all(gateways.splice(0).map((gw) => gw.close()))
})

// A failing upstream must never leave a rejection nobody handles (nor crash the process).
const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
const onUncaught = (error: unknown) => unhandled.push(error)
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled)
  process.on('uncaughtExceptionMonitor', onUncaught)
})
afterAll(() => {
  process.off('unhandledRejection', onUnhandled)
  process.off('uncaughtExceptionMonitor', onUncaught)
})

/** The gateway for `config` in front of an app that answers 404 `app` (what no route takes). */
async function startGateway(config: GatewayConfig): Promise<Listening> {
  const gw = gateway(config)
  gateways.push(gw)
  const server = await listen(
    gw.wrap((_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('app')
    }),
  )
  servers.push(server)
  return server
}

async function upstream(name: string, handler?: UpstreamHandler): Promise<UpstreamServer> {
  const server = await startUpstream(name, handler)
  servers.push(server)
  return server
}

/** An upstream answer: `status()` (200 by default), `x-upstream: name`, the name as body. */
const reply =
  (name: string, status: () => number = () => 200): UpstreamHandler =>
  (_req, res) => {
    res.writeHead(status(), { 'content-type': 'text/plain', 'x-upstream': name })
    res.end(name)
  }

/** Echoes what arrived (url, headers, body) as JSON, with response headers routes can edit. */
const echo: UpstreamHandler = (req, res, received) => {
  readStream(req).then((body) => {
    Object.assign(received, { body })
    res.writeHead(200, { 'content-type': 'application/json', 'x-internal': 'secret', 'x-up-old': 'v', 'x-keep': 'k' })
    res.end(JSON.stringify({ url: req.url, body }))
  })
}

interface Deferred<T> {
  readonly promise: Promise<T>
  resolve(value: T): void
}

function deferred<T = void>(): Deferred<T> {
  let resolve: (value: T) => void = () => {}
  const promise = new Promise<T>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

/** Fails with `message` after `ms`, so a gateway that buffers fails fast instead of hanging. */
async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** `n` GETs in a row, each on a fresh connection. */
async function getMany(url: string, target: string, n: number, headers?: Record<string, string>) {
  const responses: RawResponse[] = []
  for (let i = 0; i < n; i++) responses.push(await rawHttp(url, { target, headers, timeoutMs: 3000 }))
  return responses
}

const code = (json: unknown) => (json as { code?: string } | undefined)?.code
/** Requests an upstream served, health checks aside. */
const traffic = (server: UpstreamServer) => server.received.filter((request) => request.url !== '/health').length

/** One request with node:http (keeps `Connection` as given), the whole answer read. */
function nodeRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        readStream(res).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), reject)
      },
    )
    req.setTimeout(3000, () => req.destroy(new Error(`no answer from ${url}`)))
    req.on('error', reject)
    req.end(options.body)
  })
}

// ---------------------------------------------------------------------------------------------

describe('routes to real upstreams (Node adapter, undici transport)', () => {
  describe('streaming', () => {
    const firstChunk = Buffer.alloc(16 * 1024, 'a')
    const rest = Buffer.alloc(4 * 1024 * 1024, 'b')

    it('streams a response to the client before the upstream has written all of it', async () => {
      const go = deferred()
      releases.push(() => go.resolve())
      const up = await upstream('big', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' })
        res.write(firstChunk)
        go.promise.then(() => res.end(rest))
      })
      const gw = await startGateway({ routes: [{ match: '/download', upstream: up.url }] })

      let bytes = 0
      const gotFirst = deferred()
      const whole = new Promise<number>((resolve, reject) => {
        http
          .get(`${gw.url}/download`, { agent: false }, (res) => {
            res.on('data', (chunk: Buffer) => {
              bytes += chunk.length
              if (bytes >= firstChunk.length) gotFirst.resolve()
            })
            res.on('end', () => resolve(bytes))
            res.on('error', reject)
          })
          .on('error', reject)
      })
      whole.catch(() => {}) // awaited below; no unhandled rejection meanwhile

      await withTimeout(
        gotFirst.promise,
        3000,
        'the client did not get the first chunk while the upstream held the rest: the gateway buffers responses',
      )
      expect(bytes).toBeLessThan(firstChunk.length + rest.length)
      go.resolve()
      expect(await withTimeout(whole, 5000, 'the response did not complete after the upstream was released')).toBe(
        firstChunk.length + rest.length,
      )
    })

    it('streams a chunked request body to the upstream before the client has sent all of it', async () => {
      const upstreamGotFirst = deferred()
      const up = await upstream('sink', (req, res) => {
        let bytes = 0
        req.on('data', (chunk: Buffer) => {
          bytes += chunk.length
          upstreamGotFirst.resolve()
        })
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ bytes }))
        })
      })
      const gw = await startGateway({
        request: { maxBodyBytes: '16mb' },
        routes: [{ match: 'POST /upload', upstream: up.url }],
      })

      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          `${gw.url}/upload`,
          {
            method: 'POST',
            agent: false,
            headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
          },
          (res) => {
            readStream(res).then((body) => resolve({ status: res.statusCode ?? 0, body }), reject)
          },
        )
        req.on('error', reject)
        req.write(firstChunk)
        upstreamGotFirst.promise.then(() => req.end(rest))
      })
      answer.catch(() => {})

      await withTimeout(
        upstreamGotFirst.promise,
        3000,
        'the upstream got nothing while the client held the rest of the body: the gateway buffers request bodies',
      )
      const response = await withTimeout(answer, 5000, 'the upload did not complete')
      expect(response.status).toBe(200)
      expect(JSON.parse(response.body)).toEqual({ bytes: firstChunk.length + rest.length })
    })

    it('keeps the length the client declared on a streamed body, and sends a read one whole', async () => {
      const up = await upstream('echo', echo)
      const gw = await startGateway({ routes: [{ match: '/**', upstream: up.url }] })
      const body = JSON.stringify({ a: 1 })
      const response = await rawHttp(gw.url, { method: 'POST', target: '/len', body })
      expect(response.status).toBe(200)
      expect(up.last()?.headers['content-length']).toBe(String(Buffer.byteLength(body)))
      expect(up.last()?.headers['transfer-encoding']).toBeUndefined()
      expect(up.last()?.body).toBe(body)
    })
  })

  // A connect timeout cannot be provoked on loopback: a closed port refuses at once and an open one
  // accepts at once (no SYN is dropped), so only the headers and body timeouts are tested here.
  describe('timeouts', () => {
    it('answers 504 route.upstream_timeout when the upstream sends no headers in time', async () => {
      const up = await upstream('silent', () => {}) // never answers
      const gw = await startGateway({
        routes: [{ match: '/slow', upstream: { targets: [up.url], timeouts: { headers: '200ms' } } }],
      })
      const started = Date.now()
      const response = await rawHttp(gw.url, { target: '/slow', timeoutMs: 3000 })
      expect(response.status).toBe(504)
      expect(response.headers['content-type']).toBe('application/problem+json')
      expect(code(response.json)).toBe('route.upstream_timeout')
      expect(Date.now() - started).toBeLessThan(2000)
      expect(up.received).toHaveLength(1)
    })

    it('ends the response early when the upstream body stalls longer than the body timeout', async () => {
      const up = await upstream('stalls', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.write('partial-body')
        // …and nothing more.
      })
      const gw = await startGateway({
        routes: [{ match: '/stall', upstream: { targets: [up.url], timeouts: { body: '200ms' } } }],
      })
      const { host } = new URL(gw.url)
      const started = Date.now()
      const raw = await rawExchange(gw.url, `GET /stall HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
      expect(raw.startsWith('HTTP/1.1 200')).toBe(true)
      expect(raw).toContain('partial-body')
      // Closed without the body's end: no last chunk, so the client knows the body is cut short.
      expect(raw.endsWith('0\r\n\r\n')).toBe(false)
      expect(Date.now() - started).toBeLessThan(2000)
    })
  })

  describe('a client that goes away', () => {
    // Without the client's abort signal the call would outlive the client until the headers timeout
    // (30 s by default), holding a connection and counting as in flight for least-busy.
    it('abandons the upstream call when the client goes away before the headers', async () => {
      const upstreamGone = deferred()
      const up = await upstream('silent', (req) => {
        req.socket.on('close', () => upstreamGone.resolve())
      })
      const gw = await startGateway({ routes: [{ match: '/slow', upstream: up.url }] })
      const req = http.get(`${gw.url}/slow`, { agent: false })
      req.on('error', () => {})
      await vi.waitFor(() => expect(up.received).toHaveLength(1))
      req.destroy()
      await withTimeout(upstreamGone.promise, 1000, 'the upstream call stayed open after the client went away')
    })
  })

  describe('shutdown', () => {
    it('closes even while an upstream holds a request, cutting it after a short grace', async () => {
      const up = await upstream('silent', () => {})
      const gw = await startGateway({ routes: [{ match: '/held', upstream: up.url }] })
      const req = http.get(`${gw.url}/held`, { agent: false })
      req.on('error', () => {})
      await vi.waitFor(() => expect(up.received).toHaveLength(1))
      const started = Date.now()
      await withTimeout(gateways.pop()?.close() ?? Promise.resolve(), 5000, 'closing the gateway hung')
      expect(Date.now() - started).toBeLessThan(3000)
      req.destroy()
    })
  })

  describe('a target that refuses connections', () => {
    let closed: string
    beforeAll(async () => {
      closed = `http://127.0.0.1:${await freePort()}`
    })

    it('retries a GET on the next target, so every GET succeeds', async () => {
      const good = await upstream('good', reply('good'))
      const gw = await startGateway({ routes: [{ match: '/r/**', upstream: { targets: [closed, good.url] } }] })
      const responses = await getMany(gw.url, '/r/x', 6)
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200])
      expect(responses.every((response) => response.headers['x-upstream'] === 'good')).toBe(true)
      expect(good.received).toHaveLength(6)
    })

    it('does not retry a POST with a body (nor a PUT whose body streams): the refused ones answer 502', async () => {
      const good = await upstream('good')
      const gw = await startGateway({
        routes: [
          { match: 'POST /post', upstream: { targets: [closed, good.url] } },
          { match: 'PUT /put', upstream: { targets: [closed, good.url] } },
        ],
      })
      for (const method of ['POST', 'PUT']) {
        const before = good.received.length
        const responses: RawResponse[] = []
        for (let i = 0; i < 4; i++) {
          const body = JSON.stringify({ method, i })
          responses.push(
            await rawHttp(gw.url, {
              method,
              target: `/${method.toLowerCase()}`,
              headers: { 'content-type': 'application/json' },
              body,
              timeoutMs: 3000,
            }),
          )
        }
        const failed = responses.filter((response) => response.status === 502)
        expect(failed.length, method).toBeGreaterThan(0)
        for (const response of failed) {
          expect(response.headers['content-type']).toBe('application/problem+json')
          expect(code(response.json)).toBe('route.upstream_failed')
        }
        // Every other request reached the good target, once, with its body intact.
        const served = responses.filter((response) => response.status === 200)
        expect(served.length + failed.length).toBe(4)
        expect(good.received.length - before).toBe(served.length)
        for (const request of good.received.slice(before)) expect(JSON.parse(request.body).method).toBe(method)
      }
    })

    it('with retries: 0, a GET sent to the refusing target answers 502', async () => {
      const good = await upstream('good', reply('good'))
      const gw = await startGateway({
        routes: [{ match: '/r/**', upstream: { targets: [closed, good.url], retries: 0 } }],
      })
      const responses = await getMany(gw.url, '/r/x', 4)
      const failed = responses.filter((response) => response.status === 502)
      expect(failed.length).toBeGreaterThan(0)
      expect(failed.every((response) => code(response.json) === 'route.upstream_failed')).toBe(true)
      expect(good.received).toHaveLength(4 - failed.length)
    })
  })

  describe('balancing over three targets', () => {
    it('round-robin gives each target its turn', async () => {
      const targets = await Promise.all(['a', 'b', 'c'].map((name) => upstream(name, reply(name))))
      const gw = await startGateway({
        routes: [{ match: '/rr', upstream: { targets: targets.map((t) => t.url), balance: 'round-robin' } }],
      })
      const responses = await getMany(gw.url, '/rr', 9)
      expect(responses.every((response) => response.status === 200)).toBe(true)
      expect(targets.map((t) => t.received.length)).toEqual([3, 3, 3])
    })

    it('weighted spreads by weight (1, 2, 3 over 12 requests: 2, 4, 6)', async () => {
      const targets = await Promise.all(['a', 'b', 'c'].map((name) => upstream(name, reply(name))))
      const gw = await startGateway({
        routes: [
          {
            match: '/w',
            upstream: {
              targets: targets.map((t, index) => ({ url: t.url, weight: index + 1 })),
              balance: 'weighted',
            },
          },
        ],
      })
      const responses = await getMany(gw.url, '/w', 12)
      expect(responses.every((response) => response.status === 200)).toBe(true)
      expect(targets.map((t) => t.received.length)).toEqual([2, 4, 6])
    })

    it('least-busy sends nothing to the target still working on a request', async () => {
      const held: (() => void)[] = []
      releases.push(() => {
        for (const release of held.splice(0)) release()
      })
      // Answers at once, except a request carrying x-hold, answered when the test releases it.
      const holding =
        (name: string): UpstreamHandler =>
        (req, res) => {
          const answer = () => reply(name)(req, res, { method: '', url: '', headers: {}, body: '' })
          if (req.headers['x-hold'] === undefined) answer()
          else held.push(answer)
        }
      const targets = await Promise.all(['a', 'b', 'c'].map((name) => upstream(name, holding(name))))
      const gw = await startGateway({
        routes: [{ match: '/lb', upstream: { targets: targets.map((t) => t.url), balance: 'least-busy' } }],
      })

      const slow = rawHttp(gw.url, { target: '/lb', headers: { 'x-hold': '1' }, timeoutMs: 5000 })
      slow.catch(() => {})
      await vi.waitFor(() => expect(held).toHaveLength(1))
      const busy = targets.find((t) => t.received.some((request) => request.headers['x-hold'] !== undefined))
      const idle = targets.filter((t) => t !== busy)

      const quick = await getMany(gw.url, '/lb', 10)
      expect(quick.every((response) => response.status === 200)).toBe(true)
      expect(busy?.received).toHaveLength(1)
      // Ties between the idle ones still go round (not evenly: see the report on the tie-break).
      expect(idle.every((t) => t.received.length > 0)).toBe(true)
      expect(idle.reduce((sum, t) => sum + t.received.length, 0)).toBe(10)

      for (const release of held.splice(0)) release()
      expect((await slow).status).toBe(200)
    })
  })

  describe('passive health', () => {
    it('ejects a target after two 503s in a row for ejectFor, then takes it back', async () => {
      let now = Date.UTC(2030, 0, 1)
      let sick = true
      const good = await upstream('good', reply('good'))
      const flaky = await upstream(
        'flaky',
        reply('flaky', () => (sick ? 503 : 200)),
      )
      const good2 = await upstream('good2', reply('good2'))
      const gw = await startGateway({
        clock: { now: () => now },
        routes: [
          {
            match: '/p',
            upstream: {
              targets: [good.url, flaky.url, good2.url],
              passiveHealth: { failures: 2, ejectFor: '30s' },
            },
          },
        ],
      })

      // In turn: good, flaky (503), good2, good, flaky (503, ejected), good2.
      const first = await getMany(gw.url, '/p', 6)
      expect(first.map((response) => response.status).sort()).toEqual([200, 200, 200, 200, 503, 503])
      expect(flaky.received).toHaveLength(2)

      const whileOut = await getMany(gw.url, '/p', 6)
      expect(whileOut.every((response) => response.status === 200)).toBe(true)
      expect(flaky.received).toHaveLength(2)

      // Not yet: one second short of ejectFor.
      now += 29_000
      await getMany(gw.url, '/p', 4)
      expect(flaky.received).toHaveLength(2)

      sick = false
      now += 1_000
      const back = await getMany(gw.url, '/p', 6)
      expect(back.every((response) => response.status === 200)).toBe(true)
      expect(flaky.received).toHaveLength(4)

      // It answered well, so it stays in.
      await getMany(gw.url, '/p', 6)
      expect(flaky.received).toHaveLength(6)
      // 28 requests: flaky took 6, the others 11 each.
      expect([good, good2].map((t) => t.received.length)).toEqual([11, 11])
    })

    it('answers 503 route.no_healthy_upstream with Retry-After when every target is ejected', async () => {
      let now = Date.UTC(2030, 0, 1)
      const a = await upstream(
        'a',
        reply('a', () => 503),
      )
      const b = await upstream(
        'b',
        reply('b', () => 503),
      )
      const gw = await startGateway({
        clock: { now: () => now },
        routes: [
          {
            match: '/all-down',
            upstream: { targets: [a.url, b.url], passiveHealth: { failures: 1, ejectFor: '30s' } },
          },
        ],
      })
      const answers = await getMany(gw.url, '/all-down', 2)
      // The upstreams' own 503s (plain text) pass through; each one ejects its target.
      expect(answers.map((response) => [response.status, response.body]).sort()).toEqual([
        [503, 'a'],
        [503, 'b'],
      ])

      const none = await rawHttp(gw.url, { target: '/all-down' })
      expect(none.status).toBe(503)
      expect(none.headers['content-type']).toBe('application/problem+json')
      expect(code(none.json)).toBe('route.no_healthy_upstream')
      expect(none.headers['retry-after']).toBe('30')
      expect(a.received.length + b.received.length).toBe(2)

      now += 10_000
      const later = await rawHttp(gw.url, { target: '/all-down' })
      expect(code(later.json)).toBe('route.no_healthy_upstream')
      expect(later.headers['retry-after']).toBe('20')
    })
  })

  describe('active health checks', () => {
    it('takes a target whose /health fails out of rotation and brings it back once it passes', async () => {
      let sick = false
      const withHealth =
        (name: string, isSick: () => boolean): UpstreamHandler =>
        (req, res) => {
          if (req.url === '/health') res.writeHead(isSick() ? 500 : 200).end()
          else reply(name)(req, res, { method: '', url: '', headers: {}, body: '' })
        }
      const a = await upstream(
        'a',
        withHealth('a', () => false),
      )
      const b = await upstream(
        'b',
        withHealth('b', () => sick),
      )
      const gw = await startGateway({
        routes: [
          {
            match: '/h',
            upstream: {
              targets: [a.url, b.url],
              healthCheck: { path: '/health', interval: '50ms', unhealthyAfter: 1, healthyAfter: 1 },
            },
          },
        ],
      })

      await vi.waitFor(() => expect(b.received.some((request) => request.url === '/health')).toBe(true))
      const check = b.received.find((request) => request.url === '/health')
      expect(check?.method).toBe('GET')
      expect(check?.headers['user-agent']).toBe('portcullis-health-check')
      expect(check?.headers.host).toBe(new URL(b.url).host)
      await getMany(gw.url, '/h', 2)
      expect(traffic(b)).toBe(1)

      sick = true
      await vi.waitFor(
        async () => {
          const before = traffic(b)
          await getMany(gw.url, '/h', 2)
          expect(traffic(b)).toBe(before)
        },
        { timeout: 3000, interval: 20 },
      )
      const whileOut = traffic(b)
      const responses = await getMany(gw.url, '/h', 6)
      expect(responses.every((response) => response.status === 200)).toBe(true)
      expect(traffic(b)).toBe(whileOut)

      sick = false
      await vi.waitFor(
        async () => {
          const before = traffic(b)
          await getMany(gw.url, '/h', 2)
          expect(traffic(b)).toBeGreaterThan(before)
        },
        { timeout: 3000, interval: 20 },
      )
    })
  })

  describe('path, query and header transforms', () => {
    let up: UpstreamServer
    let gw: Listening
    const config = (url: string): GatewayConfig => ({
      routes: [
        { match: '/v2/hotels/{id}', upstream: url, rewrite: '/hotels/{id}' },
        { match: '/old/**', upstream: url, rewrite: '/new/{**}' },
        { match: '/api/**', upstream: url, stripPrefix: '/api', addPrefix: '/internal' },
        { match: '/search', upstream: url, query: { add: { version: '2' }, remove: ['debug'] } },
        {
          match: '/headers',
          upstream: url,
          requestHeaders: {
            set: { 'x-set': 'S' },
            add: { 'x-add': 'A' },
            remove: ['x-remove-me'],
            rename: { 'x-old-name': 'x-new-name' },
          },
          responseHeaders: {
            set: { 'x-powered': 'portcullis' },
            remove: ['x-internal'],
            rename: { 'x-up-old': 'x-up-new' },
          },
        },
        { match: '/host/default', upstream: { targets: [url] } },
        { match: '/host/preserve', upstream: { targets: [url], hostHeader: 'preserve' } },
        { match: '/host/fixed', upstream: { targets: [url], hostHeader: 'api.internal.example' } },
      ],
    })
    const start = async () => {
      up = await upstream('echo', echo)
      gw = await startGateway(config(up.url))
    }
    const via = async (target: string, headers?: Record<string, string>) => {
      const response = await rawHttp(gw.url, { target, headers, timeoutMs: 3000 })
      expect(response.status, target).toBe(200)
      return { response, seen: up.last() }
    }

    it('rewrites {param} and {**} paths, keeping the query', async () => {
      await start()
      expect((await via('/v2/hotels/h-42?nights=2')).seen?.url).toBe('/hotels/h-42?nights=2')
      expect((await via('/v2/hotels/caf%C3%A9')).seen?.url).toBe('/hotels/caf%C3%A9')
      expect((await via('/old/a/b?x=1')).seen?.url).toBe('/new/a/b?x=1')
      expect((await via('/old')).seen?.url).toBe('/new')
    })

    it('strips a prefix and adds another', async () => {
      await start()
      expect((await via('/api/rooms/7?x=1')).seen?.url).toBe('/internal/rooms/7?x=1')
      expect((await via('/api')).seen?.url).toBe('/internal')
      // Whole segments only: /apix is not under /api (and no route takes it).
      const other = await rawHttp(gw.url, { target: '/apix/rooms' })
      expect(other.body).toBe('app')
    })

    it('adds and removes query parameters', async () => {
      await start()
      expect((await via('/search?debug=1&q=rome&version=9')).seen?.url).toBe('/search?q=rome&version=2')
      expect((await via('/search')).seen?.url).toBe('/search?version=2')
    })

    it('edits request headers (set, add, remove, rename) and response headers (set, remove, rename)', async () => {
      await start()
      const { response, seen } = await via('/headers', {
        'x-set': 'client',
        'x-add': 'client',
        'x-remove-me': 'gone',
        'x-old-name': 'renamed',
      })
      expect(seen?.headers['x-set']).toBe('S')
      expect(seen?.headers['x-add']).toBe('client, A')
      expect(seen?.headers['x-remove-me']).toBeUndefined()
      expect(seen?.headers['x-old-name']).toBeUndefined()
      expect(seen?.headers['x-new-name']).toBe('renamed')

      expect(response.headers['x-powered']).toBe('portcullis')
      expect(response.headers['x-internal']).toBeUndefined()
      expect(response.headers['x-up-old']).toBeUndefined()
      expect(response.headers['x-up-new']).toBe('v')
      expect(response.headers['x-keep']).toBe('k')
    })

    it("sends the target's host by default, the client's with preserve, or a fixed one", async () => {
      await start()
      const client = { host: 'hotels.example:8080' }
      expect((await via('/host/default', client)).seen?.headers.host).toBe(new URL(up.url).host)
      expect((await via('/host/preserve', client)).seen?.headers.host).toBe('hotels.example:8080')
      expect((await via('/host/fixed', client)).seen?.headers.host).toBe('api.internal.example')
      // The client's host still travels in X-Forwarded-Host.
      expect(up.last()?.headers['x-forwarded-host']).toBe('hotels.example:8080')
    })

    it('names the client with X-Forwarded-* by default, spoofed copies dropped', async () => {
      await start()
      const { seen } = await via('/host/default', { 'x-forwarded-for': '6.6.6.6', forwarded: 'for=6.6.6.6' })
      expect(seen?.headers['x-forwarded-for']).toBe('127.0.0.1')
      expect(seen?.headers['x-forwarded-proto']).toBe('http')
      expect(seen?.headers['x-forwarded-host']).toBe(new URL(gw.url).host)
      expect(seen?.headers.forwarded).toBeUndefined()
    })

    it('names the client with an RFC 7239 Forwarded header when forwardedHeaders is "forwarded"', async () => {
      const echoUp = await upstream('echo', echo)
      const fwd = await startGateway({
        routes: { rules: [{ match: '/fwd', upstream: echoUp.url }], forwardedHeaders: 'forwarded' },
      })
      const response = await rawHttp(fwd.url, {
        target: '/fwd',
        headers: { forwarded: 'for=6.6.6.6;proto=https', 'x-forwarded-for': '6.6.6.6' },
      })
      expect(response.status).toBe(200)
      const seen = echoUp.last()
      expect(seen?.headers.forwarded).toBe(`for=127.0.0.1;proto=http;host="${new URL(fwd.url).host}"`)
      expect(seen?.headers['x-forwarded-for']).toBeUndefined()
      expect(seen?.headers['x-forwarded-proto']).toBeUndefined()
    })
  })

  describe('hop-by-hop headers', () => {
    it('drops what the client names in Connection, but never the gateway’s own X-Forwarded-For', async () => {
      const up = await upstream('echo', echo)
      const gw = await startGateway({ routes: [{ match: '/hop', upstream: up.url }] })
      const response = await nodeRequest(`${gw.url}/hop`, {
        headers: { connection: 'keep-alive, x-secret, x-forwarded-for', 'x-secret': '1', 'x-kept': 'yes' },
      })
      expect(response.status).toBe(200)
      const seen = up.last()
      expect(seen?.headers['x-secret']).toBeUndefined()
      expect(seen?.headers.connection ?? '').not.toMatch(/x-secret|x-forwarded-for/i)
      expect(seen?.headers['x-forwarded-for']).toBe('127.0.0.1')
      expect(seen?.headers['x-kept']).toBe('yes')
    })

    it('drops what the upstream names in its Connection header', async () => {
      const up = await upstream('private', (_req, res) => {
        res.setHeader('connection', 'x-up-private')
        res.setHeader('x-up-private', '1')
        res.setHeader('x-up-public', '1')
        res.setHeader('content-type', 'text/plain')
        res.end('ok')
      })
      const gw = await startGateway({ routes: [{ match: '/hop', upstream: up.url }] })
      const response = await nodeRequest(`${gw.url}/hop`, {})
      expect(response.status).toBe(200)
      expect(response.body).toBe('ok')
      expect(response.headers['x-up-private']).toBeUndefined()
      expect(response.headers.connection ?? '').not.toMatch(/x-up-private/i)
      expect(response.headers['x-up-public']).toBe('1')
    })
  })

  describe('attacks', () => {
    let up: UpstreamServer
    let gw: Listening
    const start = async () => {
      up = await upstream('echo', echo)
      gw = await startGateway({
        routes: [
          { match: '/items/{id}', upstream: up.url, rewrite: '/v1/items/{id}' },
          { match: '/files/{name}', upstream: up.url },
          { match: '/**', upstream: up.url },
        ],
      })
    }

    it.each([
      [
        'Content-Length and Transfer-Encoding',
        'POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n',
      ],
      [
        'Transfer-Encoding and Content-Length',
        'POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n',
      ],
      [
        'two different Content-Length values',
        'POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 40\r\n\r\nabcGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n',
      ],
    ])('refuses a smuggling attempt (%s) with 400, and the upstream gets nothing', async (_name, request) => {
      await start()
      const raw = await rawExchange(gw.url, request)
      expect(raw.startsWith('HTTP/1.1 400')).toBe(true)
      // Only one answer: nothing was read as a second request.
      expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(1)
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(up.received).toHaveLength(0)
    })

    it('sends //evil.example/x to the configured upstream as /evil.example/x', async () => {
      await start()
      const response = await rawHttp(gw.url, { target: '//evil.example/x' })
      expect(response.status).toBe(200)
      expect(up.received).toHaveLength(1)
      expect(up.last()?.url).toBe('/evil.example/x')
      expect(up.last()?.headers.host).toBe(new URL(up.url).host)
    })

    it('refuses an absolute-form target naming another host', async () => {
      await start()
      const response = await rawHttp(gw.url, { target: 'http://evil.example/x' })
      expect(response.status).toBe(400)
      expect(up.received).toHaveLength(0)
    })

    it.each([
      '/items/a%0D%0Ab',
      '/items/%0D%0AX-Injected:%201',
      '/files/a%0D%0Ab',
      '/items/%2E%2E',
      '/items/%2e%2e/admin',
      '/items/../admin',
      '/items/x/..%2F..%2Fadmin',
      '/files/%2E%2E',
      '/files/a%2Fb',
    ])('never lets CR/LF or a ".." segment reach the upstream: %s', async (target) => {
      await start()
      const response = await rawHttp(gw.url, { target })
      expect([200, 400], `status ${response.status}`).toContain(response.status)
      for (const { url, headers } of up.received) {
        expect(url).not.toMatch(/[\r\n]/)
        const path = url.split('?')[0] ?? ''
        expect(path.split('/')).not.toContain('..')
        expect(path.split('/')).not.toContain('.')
        expect(headers['x-injected']).toBeUndefined()
        // A parameter stays one segment of the rewritten path.
        if (path.startsWith('/v1/items/')) expect(path.split('/')).toHaveLength(4)
        if (path.startsWith('/files/')) expect(path.split('/')).toHaveLength(3)
      }
      if (response.status === 400) expect(up.received).toHaveLength(0)
    })

    it('survives upstreams that fail in every way, with no unhandled rejection', async () => {
      const resetBeforeHeaders = await upstream('reset', (req) => req.socket.destroy())
      const resetMidBody = await upstream('reset-mid-body', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.write('part')
        setTimeout(() => res.socket?.destroy(), 20)
      })
      const garbage = net.createServer((socket) => {
        socket.on('error', () => {})
        socket.once('data', () => socket.end('NOT HTTP AT ALL\r\n\r\n'))
      })
      await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve))
      servers.push({
        url: '',
        close: () => new Promise<void>((resolve) => garbage.close(() => resolve())),
      })
      const garbageUrl = `http://127.0.0.1:${(garbage.address() as net.AddressInfo).port}`
      const fine = await upstream('fine', reply('fine'))
      const gw = await startGateway({
        routes: [
          { match: '/reset', upstream: resetBeforeHeaders.url },
          { match: 'POST /reset', upstream: resetBeforeHeaders.url },
          { match: '/mid', upstream: resetMidBody.url },
          { match: '/garbage', upstream: garbageUrl },
          { match: '/fine', upstream: fine.url },
        ],
      })

      const reset = await rawHttp(gw.url, { target: '/reset' })
      expect(reset.status).toBe(502)
      expect(code(reset.json)).toBe('route.upstream_failed')
      const resetPost = await rawHttp(gw.url, {
        method: 'POST',
        target: '/reset',
        body: 'x'.repeat(1000),
        chunked: 100,
      })
      expect(resetPost.status).toBe(502)
      const bad = await rawHttp(gw.url, { target: '/garbage' })
      expect(bad.status).toBe(502)
      expect(code(bad.json)).toBe('route.upstream_failed')
      const { host } = new URL(gw.url)
      const cut = await rawExchange(gw.url, `GET /mid HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
      expect(cut.startsWith('HTTP/1.1 200')).toBe(true)
      expect(cut.endsWith('0\r\n\r\n')).toBe(false)

      // Still serving.
      const after = await rawHttp(gw.url, { target: '/fine' })
      expect(after.status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(unhandled).toEqual([])
    })
  })

  it('passes a redirect through unchanged instead of following it', async () => {
    const up = await upstream('moves', (req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: 'http://elsewhere.example/landing?x=1' }).end()
      else res.writeHead(303, { location: '/relative/place' }).end()
    })
    const gw = await startGateway({ routes: [{ match: '/**', upstream: up.url }] })
    const moved = await rawHttp(gw.url, { target: '/moved' })
    expect(moved.status).toBe(302)
    expect(moved.headers.location).toBe('http://elsewhere.example/landing?x=1')
    const other = await rawHttp(gw.url, { method: 'POST', target: '/form', body: 'a=1' })
    expect(other.status).toBe(303)
    expect(other.headers.location).toBe('/relative/place')
    expect(up.received.map((request) => request.url)).toEqual(['/moved', '/form'])
  })

  it('left no unhandled rejection behind in this file', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(unhandled).toEqual([])
  })
})
