/**
 * The engine's own cost per request, stage by stage and for the full configuration of the load
 * benchmark: `engine.handle()` plus `engine.complete()` (where the observers — discovery, the access
 * log, analytics — do their work), in process, so no network or framework is in the number. Then the
 * start-up time: building the gateway and loading its OpenAPI document, small and large.
 * Usage: `pnpm bench:stack` (it builds the packages first and runs the built ones).
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createEngine, type Engine, type GatewayConfig, type Outcome } from '@portcullis/node'
import { publishBenchKey, signBenchJwt } from '../lib/bench-tokens'
import { continues, type MicroCase, type MicroSubject, runMicroBench } from '../lib/micro-bench'
import { rawRequest } from '../lib/raw-request'
import { median } from '../lib/stats'
import { benchApiKey, benchAudience, benchIssuer, benchJwks, noopSink } from '../servers/bench-credentials'
import { benchApiKeys, fullGatewayConfig, redisBenchStore, type StoreKind } from '../servers/gateway-configs'
import { usersOpenApi } from '../servers/users-openapi'

const newUser = JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.com', age: 36, role: 'admin' })
const plenty = 1_000_000_000
// Enough distinct tokens that a 2.5 s case never sends one twice.
const coldTokenCount = 60_000

type Credential = 'none' | 'jwt' | 'cold-jwt' | 'api-key'

/** Headers for one request: the same JWT every time, a new one every time, or an API key. */
function credentials(kind: Credential): () => Record<string, string> {
  if (kind === 'none') return () => ({})
  if (kind === 'api-key') return () => ({ 'x-api-key': benchApiKey })
  const key = publishBenchKey()
  if (kind === 'jwt') {
    const header = { authorization: `Bearer ${signBenchJwt(key)}` }
    return () => header
  }
  const tokens = Array.from({ length: coldTokenCount }, (_, index) => `Bearer ${signBenchJwt(key, `c${index % 16}`)}`)
  let next = 0
  return () => ({ authorization: tokens[next++ % tokens.length] as string })
}

const jwtAuth = (): GatewayConfig['auth'] => ({
  jwt: { issuer: benchIssuer, audience: benchAudience, algorithms: ['ES256'], jwks: benchJwks() },
})

/**
 * A case: an engine with a config, sent GET /users/42 (or POST /users) with a credential, and the
 * response reported complete as an adapter would.
 */
function subject(config: () => GatewayConfig, credential: Credential, method: 'GET' | 'POST' = 'GET') {
  return (): MicroSubject => {
    const headers = credentials(credential)
    const built = config()
    const engine: Engine = createEngine(built)
    const send = () =>
      method === 'GET'
        ? rawRequest('GET', '/users/42', headers())
        : rawRequest('POST', '/users', { ...headers(), 'content-type': 'application/json' }, newUser)
    return {
      engine,
      handle: () => engine.handle(send()),
      finish: async (outcome: Outcome) => {
        engine.complete(outcome.ctx, { status: method === 'GET' ? 200 : 201, bytes: 64, routeTemplate: undefined })
      },
      // A store given as an instance (Redis) is the caller's to close.
      close: async () => {
        if (typeof built.store === 'object' && 'close' in built.store) await built.store.close()
      },
    }
  }
}

const full = (store: StoreKind) => () => fullGatewayConfig(store)

const cases: MicroCase[] = [
  { name: 'no sections', setup: subject(() => ({}), 'none'), expect: continues },
  {
    name: 'API key',
    setup: subject(() => ({ auth: { apiKeys: benchApiKeys } }), 'api-key'),
    expect: continues,
  },
  { name: 'JWT ES256, repeated (cached)', setup: subject(() => ({ auth: jwtAuth() }), 'jwt'), expect: continues },
  { name: 'JWT ES256, new each request', setup: subject(() => ({ auth: jwtAuth() }), 'cold-jwt'), expect: continues },
  {
    name: 'OpenAPI validation, GET',
    setup: subject(() => ({ openapi: structuredClone(usersOpenApi) as never }), 'none'),
    expect: continues,
  },
  {
    name: 'OpenAPI validation, POST body',
    setup: subject(() => ({ openapi: structuredClone(usersOpenApi) as never }), 'none', 'POST'),
    expect: continues,
  },
  {
    name: 'rate limit, memory',
    setup: subject(() => ({ rateLimits: [{ by: 'ip', limit: plenty, window: '1m' }] }), 'none'),
    expect: continues,
  },
  {
    name: 'rate limit, Redis',
    setup: subject(
      () => ({ store: redisBenchStore(), rateLimits: [{ by: 'ip', limit: plenty, window: '1m' }] }),
      'none',
    ),
    expect: continues,
  },
  {
    name: 'quota (API key), memory',
    setup: subject(
      () => ({
        auth: { apiKeys: benchApiKeys },
        quotas: [{ limit: plenty, period: 'month' }],
      }),
      'api-key',
    ),
    expect: continues,
  },
  {
    name: 'discovery, every request',
    setup: subject(() => ({ discovery: { sampleRate: 1 } }), 'none'),
    expect: continues,
  },
  { name: 'discovery, 1 in 10', setup: subject(() => ({ discovery: { sampleRate: 0.1 } }), 'none'), expect: continues },
  {
    name: 'access log line',
    setup: subject(() => ({ telemetry: { logs: { to: noopSink } } }), 'none'),
    expect: continues,
  },
  { name: 'analytics', setup: subject(() => ({ telemetry: { analytics: true } }), 'none'), expect: continues },
  { name: 'full config, GET, repeated JWT', setup: subject(full('memory'), 'jwt'), expect: continues },
  { name: 'full config, POST, repeated JWT', setup: subject(full('memory'), 'jwt', 'POST'), expect: continues },
  { name: 'full config, GET, new JWT each request', setup: subject(full('memory'), 'cold-jwt'), expect: continues },
  { name: 'full config, GET, Redis store', setup: subject(full('redis'), 'jwt'), expect: continues },
]

// The start-up: a fresh process builds the gateway and waits until it is ready, five times each.
const startupVariable = 'PORTCULLIS_STARTUP_CASE'
const twilio = fileURLToPath(new URL('../../../shared/fixtures/openapi/twilio_api_v2010.json', import.meta.url))
const startupCases: Record<string, () => GatewayConfig> = {
  'full config (5-operation document)': () => fullGatewayConfig('memory'),
  'Twilio API v2010 (197 operations, 1.8 MB)': () => ({ openapi: twilio, validation: { mode: 'block' } }),
}

async function timeStartup(name: string): Promise<void> {
  publishBenchKey()
  const config = startupCases[name]?.()
  if (config === undefined) throw new Error(`no start-up case ${name}`)
  const started = performance.now()
  const engine = createEngine(config)
  await engine.ready()
  console.log(JSON.stringify({ ms: performance.now() - started }))
  await engine.close()
}

function startupTable(): string {
  const rows = Object.keys(startupCases)
    .filter((name) => !name.startsWith('Twilio') || existsSync(twilio))
    .map((name) => {
      const times = Array.from({ length: 5 }, () => {
        const output = execFileSync(process.execPath, [...process.execArgv, process.argv[1] as string], {
          env: { ...process.env, [startupVariable]: name },
          encoding: 'utf8',
        })
        return (JSON.parse(output.trim().split('\n').pop() ?? '') as { ms: number }).ms
      })
      return `| ${name} | ${median(times).toFixed(0)} | ${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} |`
    })
  return [
    '\nStart-up: `createEngine(config)` until `engine.ready()`, in a fresh process (the median of 5).\n',
    '| Config | ms, median | min–max |',
    '| --- | ---: | ---: |',
    ...rows,
  ].join('\n')
}

const startupCase = process.env[startupVariable]
if (startupCase !== undefined) await timeStartup(startupCase)
else {
  await runMicroBench('Engine cost', cases)
  if (process.env.PORTCULLIS_MICRO_CASE === undefined) console.log(startupTable())
}
