import { X509Certificate } from 'node:crypto'
import { ConfigError, createEngine, type GatewayConfig, hashApiKey } from '@portcullis/core'
import { redisStore } from '@portcullis/redis'
import { afterAll, describe, expect, it } from 'vitest'
import { adapterFixtures, type RunningFixture } from '../src/adapters/index'
import { createTestPki, type TestPki } from '../src/pki'
import { type RawHttpOptions, rawHttp } from '../src/raw-http'

// The admin API in depth, through the node:http adapter (the conformance suite covers every adapter).
const nodeFixture = adapterFixtures.find((fixture) => fixture.name === 'node')
if (nodeFixture === undefined) throw new Error('no node fixture')
const node = nodeFixture

const token = 'adm_test_token_9Kx2Lq7Vw4Rz8Tn3'
const partnerKey = 'pk_admin_partner_3Jd8sK1m'
const readerKey = 'pk_admin_reader_7Qp2wX9c'
const running: RunningFixture[] = []

afterAll(async () => {
  await Promise.all(running.map((app) => app.close()))
})

async function start(config: GatewayConfig, options?: Parameters<typeof node.start>[1]): Promise<RunningFixture> {
  const app = await node.start(config, options)
  running.push(app)
  return app
}

function call(app: RunningFixture, target: string, init: Partial<RawHttpOptions> & { token?: string } = {}) {
  const { token: bearer = token, ...rest } = init
  return rawHttp(app.url, {
    target: `/_portcullis/api/${target}`,
    ...rest,
    headers: {
      ...(bearer === '' ? {} : { authorization: `Bearer ${bearer}` }),
      ...(rest.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...rest.headers,
    },
  })
}

const keys = async () => [
  { id: 'p1', hash: await hashApiKey(partnerKey), consumer: 'acme', groups: ['partners'] },
  { id: 'r1', hash: await hashApiKey(readerKey), consumer: 'reader', groups: ['readers'] },
]

describe('admin access', () => {
  it('is closed to addresses outside admin.allow, whatever the token', async () => {
    const app = await start({ admin: { token, allow: ['10.0.0.0/8'] } })
    const response = await call(app, 'health')
    expect(response.status).toBe(403)
    expect(response.json).toMatchObject({ code: 'admin.forbidden' })
    const open = await start({ admin: { token, allow: ['loopback'] } })
    expect((await call(open, 'health')).status).toBe(200)
  })

  it('refuses an address for the rest of the minute after ten wrong tokens, even with the right one', async () => {
    const app = await start({ admin: { token } })
    for (let attempt = 0; attempt < 10; attempt++)
      expect((await call(app, 'health', { token: `wrong-${attempt}` })).status).toBe(401)
    const locked = await call(app, 'health')
    expect(locked.status).toBe(429)
    expect(locked.json).toMatchObject({ code: 'admin.too_many_attempts' })
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('lets the app have every path outside the admin path, and redirects the bare admin path to its page', async () => {
    const app = await start({ admin: { token, dashboard: false } })
    expect((await rawHttp(app.url, { target: '/_portcullisx' })).json).toMatchObject({ app: 'node' })
    const bare = await rawHttp(app.url, { target: '/_portcullis' })
    expect(bare.status).toBe(308)
    expect(bare.headers.location).toBe('/_portcullis/')
    const page = await rawHttp(app.url, { target: '/_portcullis/' })
    expect(page.json).toMatchObject({ code: 'admin.not_found' })
  })

  it('serves under a configured path', async () => {
    const app = await start({ admin: { token, path: '/ops/gateway' } })
    const response = await rawHttp(app.url, {
      target: '/ops/gateway/api/health',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(response.status).toBe(200)
    expect((await call(app, 'health')).json).toMatchObject({ app: 'node' })
  })

  describe('with mutual TLS', () => {
    let pki: TestPki
    let app: RunningFixture
    let pinned: string
    it('needs a verified client certificate, and a pinned one when fingerprints are listed', async () => {
      pki = await createTestPki()
      const operator = await pki.client('operator')
      const other = await pki.client('someone-else')
      pinned = new X509Certificate(operator.cert).fingerprint256
      app = await start(
        { admin: { token, mtls: { fingerprints: [pinned] } } },
        {
          tls: {
            cert: pki.server.cert,
            key: pki.server.key,
            ca: pki.ca.cert,
            requestCert: true,
            rejectUnauthorized: false,
          },
        },
      )
      const tls = (client?: { cert: string; key: string }) => ({ tls: { ca: pki.ca.cert, ...client } })
      expect((await call(app, 'health', tls())).json).toMatchObject({ code: 'admin.forbidden' })
      expect((await call(app, 'health', tls(await pki.untrustedClient('operator')))).status).toBe(403)
      expect((await call(app, 'health', tls(other))).status).toBe(403)
      expect((await call(app, 'health', tls(operator))).status).toBe(200)
      expect((await call(app, 'health', { ...tls(operator), token: '' })).status).toBe(401)
    })
  })

  it('refuses a config with a short token, a dashboard it does not have, or a bad path, naming each', () => {
    const problems = (config: GatewayConfig) => {
      try {
        createEngine(config)
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.map((problem) => problem.path)
        throw error
      }
      return []
    }
    expect(problems({ admin: { token: 'short' } })).toEqual(['admin.token'])
    expect(problems({ admin: { token, dashboard: true } })).toEqual(['admin.dashboard'])
    expect(problems({ admin: { token, path: '/a/../b' } })).toEqual(['admin.path'])
    expect(problems({ admin: { token, allow: ['not-an-address'] } })).toEqual(['admin.allow[0]'])
    expect(problems({ admin: {} } as GatewayConfig)).toEqual(['admin.token'])
  })
})

describe('admin resources', () => {
  it('reports quota usage per consumer and resets it', async () => {
    const app = await start({
      auth: { apiKeys: { keys: await keys() } },
      quotas: [{ name: 'monthly', period: 'month', plans: { partners: 5 } }],
      admin: { token },
    })
    for (let i = 0; i < 3; i++) await rawHttp(app.url, { target: '/users/1', headers: { 'x-api-key': partnerKey } })
    const usage = await call(app, 'quotas/acme?groups=partners')
    expect(usage.json).toMatchObject({
      consumer: 'acme',
      quotas: [{ quota: 'monthly', limit: 5, used: 3, remaining: 2 }],
    })
    const reset = await call(app, 'quotas/acme/reset', { method: 'POST', body: '{"quota":"monthly"}' })
    expect(reset.json).toEqual({ consumer: 'acme', reset: 'monthly' })
    expect((await call(app, 'quotas/acme?groups=partners')).json).toMatchObject({ quotas: [{ used: 0 }] })
    expect((await call(app, 'quotas/acme/reset', { method: 'POST', body: '{"quota":7}' })).status).toBe(400)
    expect((await call(app, 'quotas/acme/reset', { method: 'POST' })).json).toEqual({ consumer: 'acme', reset: 'all' })
  })

  it('reports analytics: top endpoints, status classes, percentiles, a time series and a latency histogram', async () => {
    const app = await start({ telemetry: { analytics: true }, admin: { token } })
    for (let i = 0; i < 4; i++) await rawHttp(app.url, { target: `/users/${i}` })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const report = (await call(app, 'analytics?top=5')).json as Record<string, unknown> & {
      latencyHistogram: { upToMs: number; count: number }[]
    }
    expect(report).toMatchObject({ total: { requests: 4, statuses: { '2xx': 4 } } })
    expect(report.series).toHaveLength(1)
    expect(report.latencyHistogram.reduce((sum, bar) => sum + bar.count, 0)).toBe(4)
    expect((await call(app, 'analytics?top=0')).json).toMatchObject({ code: 'admin.bad_request' })
    const off = await start({ admin: { token } })
    expect((await call(off, 'analytics')).json).toMatchObject({ code: 'admin.not_enabled' })
    expect((await call(off, 'endpoints')).json).toMatchObject({ code: 'admin.not_enabled' })
  })

  it('turns a recommended limit into a rule in report mode, then enforce mode, and off again', async () => {
    const app = await start({
      discovery: { sessionKey: [{ header: 'x-client' }] },
      abuse: { window: '1m', minSessions: 5 },
      admin: { token, dashboard: false },
    })
    // Five clients make 2 calls each; the recommendation then allows a few per minute.
    for (let client = 0; client < 5; client++)
      for (let i = 0; i < 2; i++)
        await rawHttp(app.url, { target: `/users/${client}`, headers: { 'x-client': `c${client}` } })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const { recommendations } = (await call(app, 'recommendations')).json as {
      recommendations: {
        method: string
        template: string
        threshold: number
        rule: { name: string }
        applied?: string
      }[]
    }
    const users = recommendations.find((entry) => entry.template.startsWith('/users/'))
    if (users === undefined) throw new Error('no recommendation for /users')
    const endpoint = { method: users.method, template: users.template }
    const reported = await call(app, 'rules', { method: 'POST', body: JSON.stringify({ ...endpoint, mode: 'report' }) })
    expect(reported.status).toBe(201)
    expect(reported.json).toMatchObject({ name: users.rule.name, mode: 'report', limit: users.threshold })
    const hammer = async (client: string, times: number) => {
      const statuses: number[] = []
      for (let i = 0; i < times; i++)
        statuses.push((await rawHttp(app.url, { target: '/users/9', headers: { 'x-client': client } })).status)
      return statuses
    }
    // In report mode, going over the limit is only recorded.
    expect(new Set(await hammer('first', users.threshold + 1))).toEqual(new Set([200]))
    // The recommendation follows the traffic (the first hammer is a session too): enforce what it says now.
    const enforced = await call(app, 'rules', {
      method: 'POST',
      body: JSON.stringify({ ...endpoint, mode: 'enforce' }),
    })
    const { limit } = enforced.json as { limit: number }
    const listed = (await call(app, 'recommendations')).json as { recommendations: { applied?: string }[] }
    expect(listed.recommendations.some((entry) => entry.applied === 'enforce')).toBe(true)
    const statuses = await hammer('second', limit + 1)
    expect(statuses.slice(0, limit)).toEqual(Array(limit).fill(200))
    expect(statuses[limit]).toBe(429)
    expect((await call(app, `rules/${users.rule.name}`, { method: 'DELETE' })).status).toBe(204)
    expect(await hammer('second', 1)).toEqual([200])
    expect((await call(app, `rules/${users.rule.name}`, { method: 'DELETE' })).status).toBe(404)
  })

  it('refuses rules that break the schema, take a configured name, or have no recommendation', async () => {
    const app = await start({
      discovery: {},
      rateLimits: [{ name: 'configured', by: 'ip', limit: 10, window: '1m' }],
      admin: { token },
    })
    const post = (body: unknown) => call(app, 'rules', { method: 'POST', body: JSON.stringify(body) })
    const invalid = await post({ rule: { name: 'x', by: 'ip', limit: 0, window: 'soon' } })
    expect(invalid.json).toMatchObject({ status: 400, code: 'admin.rule_invalid' })
    expect((invalid.json as { detail: string }).detail).toMatch(/limit.*window|window.*limit/)
    expect((await post({ rule: { by: 'ip', limit: 1, window: '1m' } })).json).toMatchObject({
      code: 'admin.rule_invalid',
    })
    const taken = await post({ rule: { name: 'configured', by: 'ip', limit: 1, window: '1m' } })
    expect(taken.json).toMatchObject({ status: 409, code: 'admin.rule_conflict' })
    const none = await post({ method: 'GET', template: '/nothing', mode: 'enforce' })
    expect(none.json).toMatchObject({ code: 'admin.rule_invalid' })
    expect((await post({ method: 'GET', template: '/users/{id}', mode: 'sometimes' })).status).toBe(400)
  })

  it('filters the learned OpenAPI document by review, and diffs it against the configured one', async () => {
    const app = await start({
      openapi: {
        openapi: '3.1.0',
        info: { title: 'users', version: '1' },
        paths: {
          '/users/{id}': {
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
            get: { responses: { '200': { description: 'ok' } } },
          },
          '/gone': { get: { responses: { '200': { description: 'ok' } } } },
        },
      },
      validation: { unknownEndpoints: 'log' },
      discovery: {},
      admin: { token },
    })
    await rawHttp(app.url, { target: '/users/1' })
    await rawHttp(app.url, { target: '/orders/1' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const diff = (await call(app, 'diff')).json as { shadow: { template: string }[]; zombie: { template: string }[] }
    expect(diff.shadow.map((entry) => entry.template)).toEqual(['/orders/{var1}'])
    expect(diff.zombie.map((entry) => entry.template)).toEqual(['/gone'])
    const listed = (await call(app, 'endpoints')).json as { endpoints: { template: string; documented: boolean }[] }
    expect(Object.fromEntries(listed.endpoints.map((entry) => [entry.template, entry.documented]))).toEqual({
      '/users/{id}': true,
      '/orders/{var1}': false,
    })
    const review = (template: string, state: string) =>
      call(app, 'endpoints/review', { method: 'PUT', body: JSON.stringify({ method: 'GET', template, state }) })
    await review('/orders/{var1}', 'ignored')
    const paths = async (include: string) =>
      Object.keys(((await call(app, `openapi?include=${include}`)).json as { paths: object }).paths).sort()
    expect(await paths('all')).toEqual(['/orders/{var1}', '/users/{id}'])
    expect(await paths('reviewed')).toEqual(['/users/{id}'])
    expect(await paths('saved')).toEqual([])
    await review('/users/{id}', 'saved')
    expect(await paths('saved')).toEqual(['/users/{id}'])
    expect((await call(app, 'openapi?include=some')).status).toBe(400)
  })

  it('never returns a secret: tokens, key hashes, passwords, collector headers, env values', async () => {
    process.env.PORTCULLIS_TEST_ADMIN_TOKEN = token
    const jwtSecret = 'hs256-secret-that-must-stay-hidden-0123456789'
    const collectorKey = 'collector-key-4Nf8Qz'
    const app = await start({
      store: {
        redis: { url: 'redis://:redis-password-7Hq@127.0.0.1:6379/0', prefix: `admin-secrets-${process.pid}:` },
      },
      auth: {
        apiKeys: { keys: await keys() },
        jwt: { issuer: 'https://issuer.example', audience: 'api', algorithms: ['HS256'], secret: jwtSecret },
      },
      telemetry: {
        ndjson: { url: 'http://127.0.0.1:9/ingest?key=query-secret-1', headers: { 'x-api-key': collectorKey } },
      },
      admin: { token: 'env:PORTCULLIS_TEST_ADMIN_TOKEN' },
    } as GatewayConfig)
    const bodies = await Promise.all(
      ['config', 'health', 'endpoints', 'rules', 'nothing'].map(async (resource) => (await call(app, resource)).body),
    )
    const all = bodies.join('\n')
    for (const secret of [
      token,
      jwtSecret,
      collectorKey,
      'redis-password-7Hq',
      'query-secret-1',
      partnerKey,
      await hashApiKey(partnerKey),
    ])
      expect(all).not.toContain(secret)
    const summary = JSON.parse(bodies[0] as string)
    expect(summary.admin.token).toBe('env:PORTCULLIS_TEST_ADMIN_TOKEN')
    expect(summary.auth.jwt.secret).toBe('[REDACTED]')
    expect(summary.auth.apiKeys.keys[0]).toMatchObject({ id: 'p1', consumer: 'acme', hash: '[REDACTED]' })
  })
})

describe('applied rules on a shared store', () => {
  it('reach every instance of the fleet at its next sync, and outlive a restart', async () => {
    const prefix = `admin-fleet-${process.pid}-${Date.now()}:`
    const config = (): GatewayConfig => ({
      store: redisStore({ url: 'redis://127.0.0.1:6379', prefix }),
      admin: { token, ruleSync: '100ms' },
    })
    const first = await start(config())
    const second = await start(config())
    const rule = { name: 'fleet-rule', match: 'GET /users/*', by: 'ip', limit: 1, window: '1m' }
    expect((await call(first, 'rules', { method: 'POST', body: JSON.stringify({ rule }) })).status).toBe(201)
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect((await rawHttp(second.url, { target: '/users/1' })).status).toBe(200)
    expect((await rawHttp(second.url, { target: '/users/1' })).status).toBe(429)
    const restarted = await start(config())
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await call(restarted, 'rules')).json).toMatchObject({ applied: [rule] })
    expect((await rawHttp(restarted.url, { target: '/users/1' })).status).toBe(429)
    await call(first, 'rules/fleet-rule', { method: 'DELETE' })
  })
})
