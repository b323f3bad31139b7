import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, createEngine, type GatewayConfig, hashApiKey } from '../src/index'
import { rawRequest } from './raw-request'

const apiKey = 'pk_log_secret_9QvT3mZ7xL2c'
const bearer = 'eyJhbGciOiJub25lIn0.c2VjcmV0LXRva2VuLXZhbHVl.c2ln'

async function loggedEngine(
  extra: Partial<GatewayConfig> = {},
  logs: NonNullable<GatewayConfig['telemetry']>['logs'] = undefined,
) {
  const lines: string[] = []
  const engine = createEngine(
    {
      auth: {
        apiKeys: {
          in: [{ header: 'x-api-key' }, { query: 'apikey' }],
          keys: [{ id: 'k1', hash: await hashApiKey(apiKey), consumer: 'acme', groups: ['partners'] }],
        },
        routes: [{ match: '/public/**', public: true }],
      },
      telemetry: {
        logs: logs ?? {
          to: (line: string) => lines.push(line),
          headers: ['user-agent', 'authorization', 'x-api-key', 'cookie'],
        },
      },
      ...extra,
    },
    { env: {} },
  )
  /** Sends a request, lets the app answer `status`, and waits for the line to be written. */
  const send = async (options: Parameters<typeof rawRequest>[0], status = 200) => {
    const outcome = await engine.handle(rawRequest(options))
    engine.complete(outcome.ctx, {
      status: outcome.kind === 'respond' ? outcome.response.status : status,
      bytes: 12,
      routeTemplate: outcome.kind === 'continue' ? '/orders/:id' : undefined,
    })
    await new Promise((resolve) => setImmediate(resolve))
    return JSON.parse(lines.at(-1) as string) as Record<string, unknown>
  }
  return { engine, lines, send }
}

describe('access log', () => {
  it('writes one pino-compatible JSON line per request with what happened to it', async () => {
    const { send } = await loggedEngine()
    const line = await send({
      target: '/orders/7?page=2',
      headers: {
        'x-api-key': apiKey,
        'user-agent': 'curl/8',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      },
    })
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      pid: process.pid,
      traceId: '0af7651916cd43dd8448eb211c80319c',
      req: {
        method: 'GET',
        path: '/orders/7',
        query: 'page=2',
        routeTemplate: '/orders/:id',
        ip: '127.0.0.1',
        headers: { 'user-agent': 'curl/8', 'x-api-key': '[REDACTED]' },
      },
      res: { statusCode: 200, bytes: 12 },
      answeredBy: 'app',
      consumer: 'acme',
      credential: 'api-key',
      decision: 'allowed',
    })
    expect(typeof line.time).toBe('number')
    expect(typeof line.hostname).toBe('string')
    expect(typeof line.reqId).toBe('string')
    expect(typeof line.responseTime).toBe('number')
    expect(Object.keys(line.stages as object)).toEqual(['request-target', 'body-framing', 'authenticate'])
  })

  it('says why a request was refused, as a warning', async () => {
    const { send } = await loggedEngine()
    const line = await send({ target: '/orders/8' })
    expect(line).toMatchObject({
      level: 40,
      decision: 'denied',
      errorCode: 'auth.credentials_missing',
      answeredBy: 'gateway',
    })
    expect(line.res).toMatchObject({ statusCode: 401 })
  })

  it('names the stages that would have refused in report mode, and logs 5xx as errors', async () => {
    const { send } = await loggedEngine({
      rateLimits: [{ name: 'tight', by: 'ip', limit: 1, window: '1m', mode: 'report' }],
    })
    await send({ target: '/public/a' })
    const reported = await send({ target: '/public/b' }, 503)
    expect(reported).toMatchObject({ decision: 'allowed', wouldDeny: ['rate-limit'], level: 50 })
  })

  it('never writes a credential: API keys in headers and queries, bearer tokens, cookies', async () => {
    const { send, lines } = await loggedEngine()
    await send({ target: `/orders/1?apikey=${apiKey}&page=1` })
    await send({ target: '/orders/2', headers: { authorization: `Bearer ${bearer}`, cookie: `session=${bearer}` } })
    await send({ target: `/public/x?access_token=${bearer}&token=${bearer}`, headers: { 'x-api-key': apiKey } })
    const output = lines.join('\n')
    expect(lines).toHaveLength(3)
    for (const secret of [apiKey, bearer, 'secret-token-value']) expect(output).not.toContain(secret)
    expect(JSON.parse(lines[0] as string).req.query).toBe('apikey=[REDACTED]&page=1')
  })

  it('redacts the headers and query parameters the config names too', async () => {
    const lines: string[] = []
    const engine = createEngine(
      {
        telemetry: {
          logs: { to: (line: string) => lines.push(line), headers: ['x-session'] },
          redact: { headers: ['x-session'], query: ['ssn'] },
        },
      },
      { env: {} },
    )
    const outcome = await engine.handle(
      rawRequest({ target: '/x?ssn=123-45-6789&a=1', headers: { 'x-session': 's3cr3t' } }),
    )
    engine.complete(outcome.ctx, { status: 200 })
    await engine.close()
    expect(lines.join('')).not.toMatch(/123-45-6789|s3cr3t/)
    expect(JSON.parse(lines[0] as string).req).toMatchObject({
      query: 'ssn=[REDACTED]&a=1',
      headers: { 'x-session': '[REDACTED]' },
    })
  })

  it('keeps its queue bounded: lines over it are dropped and counted, never waited for', async () => {
    const lines: string[] = []
    const engine = createEngine(
      { telemetry: { logs: { to: (line: string) => lines.push(line), maxQueue: 5 } } },
      { env: {} },
    )
    for (let i = 0; i < 20; i++) {
      const outcome = await engine.handle(rawRequest({ target: `/n/${i}` }))
      engine.complete(outcome.ctx, { status: 200 })
    }
    expect(engine.telemetry.accessLog()).toEqual({ written: 0, dropped: 15, queued: 5 })
    await engine.close()
    expect(engine.telemetry.accessLog()).toEqual({ written: 5, dropped: 15, queued: 0 })
    expect(lines).toHaveLength(5)
  })

  it('appends to a file, flushed when the gateway closes', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'portcullis-log-'))
    const file = join(folder, 'access.ndjson')
    const engine = createEngine({ telemetry: { logs: { file } } }, { env: {} })
    for (const target of ['/a', '/b']) {
      const outcome = await engine.handle(rawRequest({ target }))
      engine.complete(outcome.ctx, { status: 204 })
    }
    await engine.close()
    const written = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).req.path)
    expect(written).toEqual(['/a', '/b'])
  })

  it('refuses a file in a folder that does not exist, at start-up', () => {
    expect(() => createEngine({ telemetry: { logs: { file: '/nonexistent-folder/x.log' } } }, { env: {} })).toThrow(
      ConfigError,
    )
    expect(() => createEngine({ telemetry: { logs: 'syslog' as never } }, { env: {} })).toThrow(/telemetry\.logs/)
  })
})
