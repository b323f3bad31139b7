/**
 * The micro benchmark of authentication: `engine.handle()` per request with no auth, an API key, and
 * an ES256 JWT with the verified-token cache off and on. Everything is in-process (a local JWK set),
 * so it measures the gateway's own work, not a network. Prints a Markdown table.
 * Usage: `pnpm --filter @portcullis/bench bench:auth` (after `pnpm build`: it runs the built packages).
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto'
import { createEngine, type Engine, type GatewayConfig, type RawRequest } from '@portcullis/node'
import { Bench } from 'tinybench'
import { describeMachine } from '../lib/machine'

const issuer = 'https://idp.bench.example'
const audience = 'https://api.bench.example'
const apiKey = 'pk_bench0123456789abcdefghijklmnopqrstuv'

/** An ES256 key pair, and its public half as a JWK the gateway is configured with. */
function es256Key(): { privateKey: KeyObject; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid: 'bench-1', alg: 'ES256', use: 'sig' } }
}

/** A compact ES256 JWT, signed with node:crypto so the bench needs no JOSE library of its own. */
function signJwt(privateKey: KeyObject, kid: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  const header = encode({ alg: 'ES256', typ: 'JWT', kid })
  // Valid for an hour: longer than any run, so the cached case never re-verifies because of expiry.
  const payload = encode({
    iss: issuer,
    aud: audience,
    sub: 'bench-client',
    scope: 'rooms:read',
    iat: now,
    exp: now + 3600,
  })
  // JWS wants the raw r||s signature, not the DER node:crypto gives by default.
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key: privateKey, dsaEncoding: 'ieee-p1363' })
  return `${header}.${payload}.${signature.toString('base64url')}`
}

/** A bodiless GET as an adapter hands it to the engine. */
function rawRequest(headers: Record<string, string>): RawRequest {
  return {
    method: 'GET',
    target: '/rooms/7?view=full',
    headers: new Headers(headers),
    remoteAddress: '127.0.0.1',
    tls: undefined,
    body: { declaredLength: undefined, present: false, read: async () => new Uint8Array() },
    raw: undefined,
  }
}

interface Case {
  readonly name: string
  readonly engine: Engine
  readonly headers: Record<string, string>
  /** The consumer the request must be let through as; `undefined` for no auth. */
  readonly consumer: string | undefined
}

function cases(): Case[] {
  const { privateKey, jwk } = es256Key()
  const token = signJwt(privateKey, 'bench-1')
  const jwt = (maxEntries: number): GatewayConfig => ({
    auth: { jwt: { issuer, audience, algorithms: ['ES256'], jwks: { keys: [jwk] }, cache: { maxEntries } } },
  })
  const hash = `sha256:${createHash('sha256').update(apiKey).digest('hex')}`
  return [
    { name: 'no auth', engine: createEngine({}), headers: {}, consumer: undefined },
    {
      name: 'API key (static list)',
      engine: createEngine({ auth: { apiKeys: { keys: [{ id: 'bench', hash, consumer: 'acme' }] } } }),
      headers: { 'x-api-key': apiKey },
      consumer: 'acme',
    },
    {
      name: 'JWT ES256, cache off',
      engine: createEngine(jwt(0)),
      headers: { authorization: `Bearer ${token}` },
      consumer: 'bench-client',
    },
    {
      name: 'JWT ES256, cache on',
      engine: createEngine(jwt(10_000)),
      headers: { authorization: `Bearer ${token}` },
      consumer: 'bench-client',
    },
  ]
}

/** Refuses to time a case that does not do what it says: a denial is cheaper than a verification. */
async function check(benchCase: Case): Promise<void> {
  const outcome = await benchCase.engine.handle(rawRequest(benchCase.headers))
  const consumer = outcome.kind === 'continue' ? outcome.ctx.principal?.consumer : undefined
  if (outcome.kind !== 'continue' || consumer !== benchCase.consumer) {
    const detail = outcome.kind === 'respond' ? await outcome.response.text() : `consumer ${consumer}`
    throw new Error(`${benchCase.name}: not let through as expected: ${detail}`)
  }
}

const all = cases()
for (const benchCase of all) await check(benchCase)

const bench = new Bench({ name: 'auth cost', time: 2_000, warmupTime: 500 })
for (const benchCase of all) {
  // A fresh request each time, as an adapter makes one per request; building it is part of the cost.
  bench.add(benchCase.name, () => benchCase.engine.handle(rawRequest(benchCase.headers)).then(() => undefined))
}
await bench.run()

const meanMs = (name: string): number => {
  const result = bench.getTask(name)?.result
  if (result === undefined || !('latency' in result)) throw new Error(`${name}: no result (${result?.state})`)
  return result.latency.mean
}
const baseline = meanMs('no auth')
const machine = describeMachine()
console.log(`Auth cost per request: ${machine.cpuModel}, Node ${machine.node}, ${machine.date}\n`)
console.log('| Case | Mean (µs/request) | ± (95%) | ops/s | Relative to no auth |')
console.log('| --- | ---: | ---: | ---: | ---: |')
for (const benchCase of all) {
  const result = bench.getTask(benchCase.name)?.result
  if (result === undefined || !('latency' in result)) continue
  const mean = result.latency.mean
  // ops/s as 1 / mean latency, so the two columns agree (tinybench's throughput mean is a mean of rates).
  console.log(
    `| ${benchCase.name} | ${(mean * 1000).toFixed(2)} | ${result.latency.rme.toFixed(1)}% | ` +
      `${Math.round(1000 / mean).toLocaleString('en-US')} | ${(mean / baseline).toFixed(2)}× |`,
  )
}
await Promise.all(all.map((benchCase) => benchCase.engine.close()))
