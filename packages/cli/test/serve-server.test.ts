import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestPki } from '../../testing/src/pki'
import { rawHttp } from '../../testing/src/raw-http'
import { startUpstream, type UpstreamServer } from '../../testing/src/upstream-server'
import { type GatewayServer, type GatewayServerOptions, startGatewayServer } from '../src/serve/gateway-server'
import { accessLogLines, tempFolder, waitUntil } from './serve-fixtures'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** An upstream that answers `/…/slow` only when told to, and everything else at once. */
async function heldUpstream() {
  const held: (() => void)[] = []
  const upstream = await startUpstream('svc', (req, res) => {
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ url: req.url }))
    }
    if (req.url?.includes('slow')) held.push(answer)
    else answer()
  })
  cleanups.push(() => upstream.close())
  const arrived = (count: number) => waitUntil('the held requests', () => held.length >= count)
  const release = () => {
    for (const answer of held.splice(0)) answer()
  }
  return { upstream, held, arrived, release }
}

const routesYaml = (upstream: UpstreamServer, prefixes: string[], log: string) =>
  `routes:\n${prefixes.map((p) => `  - { match: "/${p}/**", upstream: "${upstream.url}", stripPrefix: /${p} }\n`).join('')}` +
  `telemetry:\n  logs: { to: { file: ./${log} } }\n`

async function start(options: Partial<GatewayServerOptions> & Pick<GatewayServerOptions, 'configFile'>) {
  const lines: string[] = []
  const server = await startGatewayServer({
    host: '127.0.0.1',
    port: 0,
    drainTimeoutMs: 10_000,
    log: (line) => lines.push(line),
    ...options,
  })
  cleanups.push(() => server.shutdown({ now: true }))
  return { server, lines, log: () => lines.join('\n') }
}

const get = (server: GatewayServer, target: string, options: Parameters<typeof rawHttp>[1] = { target }) =>
  rawHttp(server.url, { ...options, target })

describe('the standalone gateway server, in process', () => {
  it('answers through its routes, and 404 route.not_found for what no route answers', async () => {
    const { upstream } = await heldUpstream()
    const files = tempFolder('serve-routes')
    const { server } = await start({ configFile: files.write('gw.yaml', routesYaml(upstream, ['a'], 'access.ndjson')) })
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
    const routed = await get(server, '/a/items?x=1')
    expect(routed.status).toBe(200)
    expect(routed.json).toEqual({ url: '/items?x=1' })
    const unrouted = await get(server, '/elsewhere')
    expect(unrouted.status).toBe(404)
    expect(unrouted.headers['content-type']).toBe('application/problem+json')
    expect(unrouted.json).toMatchObject({ code: 'route.not_found', status: 404 })
  })

  it('serves the admin API and dashboard, and a shared Redis store, from the config file alone', async () => {
    const files = tempFolder('serve-admin')
    const token = 'adm_serve_test_token_5Hk2Qw8Zr1'
    const yaml =
      `store: { redis: { url: "redis://127.0.0.1:6379", prefix: "serve-admin-${process.pid}:" } }\n` +
      `admin: { token: "${token}", dashboard: true }\n`
    const { server } = await start({ configFile: files.write('gw.yaml', yaml) })
    const page = await get(server, '/_portcullis/')
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toContain('text/html')
    expect(page.body).toContain('assets/app.js')
    const health = await get(server, '/_portcullis/api/health', {
      target: '/_portcullis/api/health',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(health.json).toMatchObject({ status: 'ok', store: { kind: 'redis', shared: true, reachable: true } })
  })

  it('reloads a good config at once, finishing what is in flight on the old one', async () => {
    const { upstream, arrived, release } = await heldUpstream()
    const files = tempFolder('serve-reload')
    const configFile = files.write('gw.yaml', routesYaml(upstream, ['a'], 'old.ndjson'))
    const { server, log } = await start({ configFile })
    expect((await get(server, '/b/x')).status).toBe(404)
    const slow = get(server, '/a/slow')
    await arrived(1)

    files.write('gw.yaml', routesYaml(upstream, ['a', 'b'], 'new.ndjson'))
    expect(await server.reload()).toBe(true)
    expect(log()).toContain(`portcullis: reloaded ${configFile}: new requests use it; 1 request in flight finishes`)
    const routed = await get(server, '/b/x')
    expect(routed.status).toBe(200)
    expect(routed.json).toEqual({ url: '/x' })

    release()
    expect((await slow).status).toBe(200)
    // The old gateway logged its request and was closed; the new one logs to its own file.
    await waitUntil('the old access log', () => accessLogLines(files.path('old.ndjson')).length === 2)
    expect(accessLogLines(files.path('old.ndjson')).map((line) => line.req.path)).toEqual(['/b/x', '/a/slow'])
    await waitUntil('the new access log', () => accessLogLines(files.path('new.ndjson')).length === 1)
    expect(accessLogLines(files.path('new.ndjson'))[0]?.req.path).toBe('/b/x')
  })

  it('keeps serving the old config when the new one is invalid, and names the problem', async () => {
    const { upstream } = await heldUpstream()
    const files = tempFolder('serve-bad-reload')
    const configFile = files.write('gw.yaml', routesYaml(upstream, ['a'], 'access.ndjson'))
    const { server, lines } = await start({ configFile })

    files.write('gw.yaml', 'routes:\n  - { match: "/a/**" }\n')
    expect(await server.reload()).toBe(false)
    expect(lines.at(-1)).toContain(
      `portcullis: reload failed, still serving the previous config:\nInvalid Portcullis config in ${configFile} (1 problem):\n  - routes[0]: `,
    )
    expect((await get(server, '/a/x')).status).toBe(200)

    files.write('gw.yaml', 'routes: [\n')
    expect(await server.reload()).toBe(false)
    expect(lines.at(-1)).toMatch(/invalid YAML at line \d+/)
    files.write('openapi.yaml', 'openapi: 3.1.0\ninfo: { title: t }\npaths: {}\n')
    files.write('gw.yaml', 'openapi: ./openapi.yaml\n')
    expect(await server.reload()).toBe(false)
    expect(lines.at(-1)).toContain('- openapi: ')
    expect((await get(server, '/a/x')).status).toBe(200)

    files.write('gw.yaml', routesYaml(upstream, ['c'], 'access.ndjson'))
    expect(await server.reload()).toBe(true)
    expect((await get(server, '/c/x')).status).toBe(200)
    expect((await get(server, '/a/x')).status).toBe(404)
  })

  it('drains on shutdown: in flight finishes, idle keep-alive connections close, new ones are refused', async () => {
    const { upstream, arrived, release } = await heldUpstream()
    const files = tempFolder('serve-drain')
    const { server, lines } = await start({
      configFile: files.write('gw.yaml', routesYaml(upstream, ['a'], 'access.ndjson')),
    })
    // Kept-alive connections: one idle once its response is done, one waiting for its response.
    const keptAlive = (path: string) =>
      new Promise<{ res: http.IncomingMessage; closed: Promise<void> }>((resolve, reject) => {
        const agent = new http.Agent({ keepAlive: true })
        cleanups.push(async () => agent.destroy())
        const request = http.get(`${server.url}${path}`, { agent }, (res) => {
          const socket = request.socket
          if (socket === null) return reject(new Error('no socket'))
          const closed = new Promise<void>((done) => socket.once('close', () => done()))
          res.resume().on('end', () => resolve({ res, closed }))
        })
        request.on('error', reject)
      })
    const idle = await keptAlive('/a/x')
    const slow = keptAlive('/a/slow')
    await arrived(1)

    const stopped = server.shutdown({ reason: 'SIGTERM' })
    // Closed by the shutdown, long before the server's keep-alive timeout (5s).
    await idle.closed
    expect(lines.at(-1)).toBe(
      'portcullis: SIGTERM: shutting down, no new connections; waiting for 1 request in flight (up to 10s)',
    )
    await expect(get(server, '/a/x')).rejects.toThrow(/ECONNREFUSED/)
    release()
    const { res, closed } = await slow
    expect(res.statusCode).toBe(200)
    // The response tells the client its connection ends here, and it does.
    expect(res.headers.connection).toBe('close')
    await closed
    expect(await stopped).toBe(true)
    expect(lines.at(-1)).toBe('portcullis: stopped, telemetry flushed')
    expect(accessLogLines(files.path('access.ndjson')).map((line) => line.req.path)).toEqual(['/a/x', '/a/slow'])
    expect(await server.reload()).toBe(false)
  })

  it('cuts what is still in flight after the drain timeout, or at once on a second signal', async () => {
    const { upstream, arrived } = await heldUpstream()
    const files = tempFolder('serve-cut')
    const configFile = files.write('gw.yaml', routesYaml(upstream, ['a'], 'access.ndjson'))
    const timed = await start({ configFile, drainTimeoutMs: 100 })
    const cut = get(timed.server, '/a/slow').catch((error: Error) => error)
    await arrived(1)
    expect(await timed.server.shutdown()).toBe(true)
    expect(timed.log()).toContain('portcullis: cut 1 request still in flight after 100ms')
    expect(await cut).toBeInstanceOf(Error)

    const signalled = await start({ configFile })
    const second = get(signalled.server, '/a/slow').catch((error: Error) => error)
    await arrived(2)
    const stopped = signalled.server.shutdown({ reason: 'SIGTERM' })
    expect(signalled.server.shutdown({ reason: 'SIGTERM', now: true })).toBe(stopped)
    expect(await stopped).toBe(true)
    expect(signalled.log()).toContain('portcullis: cut 1 request still in flight on a second signal')
    expect(await second).toBeInstanceOf(Error)
  })

  it('serves HTTPS, and reloads its certificate; a bad TLS file keeps the old one', async () => {
    const { upstream } = await heldUpstream()
    const [first, second] = await Promise.all([createTestPki(), createTestPki()])
    const files = tempFolder('serve-tls')
    const cert = files.write('server.pem', first.server.cert)
    const key = files.write('server-key.pem', first.server.key)
    const configFile = files.write('gw.yaml', routesYaml(upstream, ['a'], 'access.ndjson'))
    const { server, lines } = await start({ configFile, tls: { cert, key, clientCerts: 'none' } })
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`)
    const trusting = (ca: string) => ({ target: '/a/x', tls: { ca } })
    expect((await get(server, '/a/x', trusting(first.ca.cert))).status).toBe(200)

    files.write('server.pem', second.server.cert)
    files.write('server-key.pem', second.server.key)
    expect(await server.reload()).toBe(true)
    expect(lines.at(-1)).toBe(`portcullis: reloaded ${configFile} and the TLS files: new requests use it`)
    expect((await get(server, '/a/x', trusting(second.ca.cert))).status).toBe(200)
    await expect(get(server, '/a/x', trusting(first.ca.cert))).rejects.toThrow(/certificate/)

    files.write('server.pem', 'not a certificate\n')
    expect(await server.reload()).toBe(false)
    expect(lines.at(-1)).toMatch(
      /^portcullis: reload failed, still serving the previous config:\n--tls-cert .*cannot be used/,
    )
    expect((await get(server, '/a/x', trusting(second.ca.cert))).status).toBe(200)
  })
})
