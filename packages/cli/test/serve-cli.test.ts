import { hashApiKey } from '@portcullis/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestPki, type TestPki } from '../../testing/src/pki'
import { rawHttp } from '../../testing/src/raw-http'
import { startUpstream, type UpstreamServer } from '../../testing/src/upstream-server'
import { accessLogLines, killLeftovers, runCliProcess, spawnCli, tempFolder, waitUntil } from './serve-fixtures'

// End to end: `portcullis serve` as its own process, from the sources, signals and all.

const apiKey = 'pk_serve_test_0123456789abcdef'
let keyHash: string
let pki: TestPki
let upstream: UpstreamServer
/** The upstream holds requests to `…/slow` until released. */
const held: (() => void)[] = []
const release = () => {
  for (const answer of held.splice(0)) answer()
}

beforeAll(async () => {
  ;[keyHash, pki] = await Promise.all([hashApiKey(apiKey), createTestPki()])
  upstream = await startUpstream('svc', (req, res) => {
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'svc' })
      res.end(JSON.stringify({ url: req.url, consumer: req.headers['x-consumer-id'] ?? null }))
    }
    if (req.url?.includes('slow')) held.push(answer)
    else answer()
  })
})
afterAll(() => upstream.close())
afterEach(() => {
  release()
  killLeftovers()
})

const apiConfig = (routes: string) => `auth:
  apiKeys:
    keys:
      - { id: k1, hash: "${keyHash}", consumer: acme }
routes:
${routes}
telemetry:
  logs: { to: { file: ./access.ndjson } }
`
const route = (prefix: string) => `  - { match: "/${prefix}/**", upstream: "${upstream.url}", stripPrefix: /${prefix} }`
const withKey = (target: string) => ({ target, headers: { 'x-api-key': apiKey } })

// Each test starts a process that compiles the sources first: seconds, more on a busy machine.
describe('portcullis serve, end to end', { timeout: 60_000 }, () => {
  it('serves the routes with API keys and an access log; SIGTERM lets the request in flight finish', async () => {
    const files = tempFolder('serve-e2e')
    const config = files.write('portcullis.yaml', apiConfig(route('api')))
    const run = spawnCli(['serve', '--config', config, '--port', '0'])
    const url = await run.listening()
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(run.stdout()).toBe(`portcullis: listening on ${url}\n`)

    const routed = await rawHttp(url, withKey('/api/orders/7'))
    expect(routed.status).toBe(200)
    expect(routed.json).toEqual({ url: '/orders/7', consumer: 'acme' })
    expect(upstream.last()?.headers['x-api-key']).toBeUndefined()
    const anonymous = await rawHttp(url, { target: '/api/orders/7' })
    expect(anonymous.status).toBe(401)
    expect(anonymous.json).toMatchObject({ code: 'auth.credentials_missing' })
    const unrouted = await rawHttp(url, withKey('/nowhere'))
    expect(unrouted.status).toBe(404)
    expect(unrouted.headers['content-type']).toBe('application/problem+json')
    expect(unrouted.json).toMatchObject({ code: 'route.not_found' })

    const slow = rawHttp(url, withKey('/api/slow'))
    await waitUntil('the slow request upstream', () => held.length === 1)
    run.child.kill('SIGTERM')
    await run.waitFor(
      'stderr',
      /SIGTERM: shutting down, no new connections; waiting for 1 request in flight \(up to 10s\)/,
    )
    release()
    const finished = await slow
    expect(finished.status).toBe(200)
    expect(finished.json).toEqual({ url: '/slow', consumer: 'acme' })
    expect(await run.exited).toBe(0)
    expect(run.stderr()).toContain('portcullis: stopped, telemetry flushed')
    const logged = accessLogLines(files.path('access.ndjson'))
    expect(logged.map((line) => [line.req.path, line.res.statusCode])).toEqual([
      ['/api/orders/7', 200],
      ['/api/orders/7', 401],
      ['/nowhere', 404],
      ['/api/slow', 200],
    ])
  })

  it('reloads on SIGHUP (a bad config is refused, the old one keeps serving); a second stop signal cuts', async () => {
    const files = tempFolder('serve-e2e-reload')
    const config = files.write('portcullis.yaml', apiConfig(route('api')))
    const run = spawnCli(['serve', '--config', config, '--port', '0'])
    const url = await run.listening()
    expect((await rawHttp(url, withKey('/v2/orders'))).status).toBe(404)

    files.write('portcullis.yaml', apiConfig(`${route('api')}\n${route('v2')}`))
    run.child.kill('SIGHUP')
    await run.waitFor('stderr', /portcullis: reloaded .*portcullis\.yaml: new requests use it\n/)
    const added = await rawHttp(url, withKey('/v2/orders'))
    expect(added.status).toBe(200)
    expect(added.json).toEqual({ url: '/orders', consumer: 'acme' })

    files.write('portcullis.yaml', `${apiConfig(route('api'))}rateLimits:\n  - { by: ip, limit: 0, window: 1m }\n`)
    run.child.kill('SIGHUP')
    await run.waitFor('stderr', /reload failed, still serving the previous config:\n.*\n\s+- rateLimits\[0\]\.limit: /)
    expect((await rawHttp(url, withKey('/v2/orders'))).status).toBe(200)

    // SIGINT drains as SIGTERM does; a second signal cuts what is still in flight.
    const cut = rawHttp(url, withKey('/v2/slow')).catch((error: Error) => error)
    await waitUntil('the slow request upstream', () => held.length === 1)
    run.child.kill('SIGINT')
    await run.waitFor('stderr', /SIGINT: shutting down, no new connections; waiting for 1 request in flight/)
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
    expect(run.stderr()).toContain('portcullis: cut 1 request still in flight on a second signal')
    expect(await cut).toBeInstanceOf(Error)
  })

  it('with --client-certs require, refuses a client without a certificate during the handshake', async () => {
    const files = tempFolder('serve-e2e-require')
    const client = await pki.client('billing')
    const config = files.write('portcullis.yaml', `routes:\n${route('api')}\n`)
    const run = spawnCli([
      ...['serve', '--config', config, '--port', '0', '--host', 'localhost'],
      ...[
        '--tls-cert',
        files.write('server.pem', pki.server.cert),
        '--tls-key',
        files.write('key.pem', pki.server.key),
      ],
      ...['--tls-ca', files.write('ca.pem', pki.ca.cert), '--client-certs', 'require'],
    ])
    const url = await run.listening()
    expect(url).toMatch(/^https:\/\/localhost:\d+$/)
    await expect(rawHttp(url, { target: '/api/x', tls: { ca: pki.ca.cert } })).rejects.toThrow()
    const untrusted = await pki.untrustedClient('intruder')
    await expect(rawHttp(url, { target: '/api/x', tls: { ca: pki.ca.cert, ...untrusted } })).rejects.toThrow()
    const admitted = await rawHttp(url, { target: '/api/x', tls: { ca: pki.ca.cert, ...client } })
    expect(admitted.status).toBe(200)
    expect(admitted.json).toEqual({ url: '/x', consumer: null })
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
  })

  it('with --client-certs request, lets the config mtls section decide', async () => {
    const files = tempFolder('serve-e2e-request')
    files.write('clients-ca.pem', pki.ca.cert)
    const config = files.write(
      'portcullis.yaml',
      `auth:\n  mtls: { ca: ./clients-ca.pem, consumer: subject.cn }\nroutes:\n${route('api')}\n`,
    )
    const run = spawnCli([
      ...['serve', '--config', config, '--port', '0'],
      ...[
        '--tls-cert',
        files.write('server.pem', pki.server.cert),
        '--tls-key',
        files.write('key.pem', pki.server.key),
      ],
      ...['--tls-ca', files.path('clients-ca.pem'), '--client-certs', 'request'],
    ])
    const url = await run.listening()
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const tls = { ca: pki.ca.cert }
    const without = await rawHttp(url, { target: '/api/x', tls })
    expect(without.status).toBe(403)
    expect(without.json).toMatchObject({ code: 'mtls.certificate_required' })
    const untrusted = await rawHttp(url, {
      target: '/api/x',
      tls: { ...tls, ...(await pki.untrustedClient('intruder')) },
    })
    expect(untrusted.status).toBe(403)
    expect(untrusted.json).toMatchObject({ code: 'mtls.certificate_rejected' })
    const admitted = await rawHttp(url, { target: '/api/x', tls: { ...tls, ...(await pki.client('billing')) } })
    expect(admitted.status).toBe(200)
    expect(admitted.json).toEqual({ url: '/x', consumer: 'billing' })
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
  })

  it('exits 2 on wrong use and 1 on a config or certificate it cannot use', async () => {
    const files = tempFolder('serve-e2e-bad')
    const invalid = files.write('invalid.yaml', 'routes:\n  - { match: "/a/**" }\n')
    const good = files.write('good.yaml', `routes:\n${route('api')}\n`)
    // Every other wrong use and unusable input is tested in process (serve-options.test.ts).
    const [noConfig, badConfig, badCert] = await Promise.all([
      runCliProcess(['serve', '--port', '0']),
      runCliProcess(['serve', '--config', invalid, '--port', '0']),
      runCliProcess(['serve', '--config', good, '--port', '0', '--tls-cert', files.folder, '--tls-key', good]),
    ])
    expect(noConfig).toMatchObject({ code: 2, stdout: '' })
    expect(noConfig.stderr).toContain('portcullis serve needs --config FILE')
    expect(noConfig.stderr).toContain('Usage:')
    expect(badConfig).toMatchObject({ code: 1, stdout: '' })
    expect(badConfig.stderr).toContain(`Invalid Portcullis config in ${invalid} (1 problem):\n  - routes[0]: `)
    expect(badCert).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `--tls-cert ${files.folder}: a folder, not a file.\n`,
    })
  })
})
