/**
 * The micro benchmark of authentication: `engine.handle()` per request with no auth, an API key, and
 * an ES256 JWT with the verified-token cache off and on. Everything is in-process (a local JWK set),
 * so it measures the gateway's own work, not a network. Prints a Markdown table.
 * Usage: `pnpm bench:auth` (it builds the packages first and runs the built ones).
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto'
import { createEngine, type GatewayConfig, type Outcome } from '@portcullis/node'
import { continues, type MicroCase, type MicroSubject, runMicroBench } from '../lib/micro-bench'
import { rawRequest } from '../lib/raw-request'

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

const request = (headers: Record<string, string>) => rawRequest('GET', '/rooms/7?view=full', headers)

/** Passes when the request is let through as `consumer` (`undefined`: as nobody, with no auth). */
const letThroughAs =
  (consumer: string | undefined) =>
  async (outcome: Outcome): Promise<void> => {
    await continues(outcome)
    const seen = outcome.kind === 'continue' ? outcome.ctx.principal?.consumer : undefined
    if (seen !== consumer) throw new Error(`let through as ${seen}, not ${consumer}`)
  }

/** A case: an engine with `config`, sent a GET with `headers`. */
const subject = (config: GatewayConfig, headers: Record<string, string>) => (): MicroSubject => {
  const engine = createEngine(config)
  return { engine, handle: () => engine.handle(request(headers)) }
}

function cases(): MicroCase[] {
  const { privateKey, jwk } = es256Key()
  const bearer = { authorization: `Bearer ${signJwt(privateKey, 'bench-1')}` }
  const jwt = (maxEntries: number): GatewayConfig => ({
    auth: { jwt: { issuer, audience, algorithms: ['ES256'], jwks: { keys: [jwk] }, cache: { maxEntries } } },
  })
  const hash = `sha256:${createHash('sha256').update(apiKey).digest('hex')}`
  return [
    { name: 'no auth', setup: subject({}, {}), expect: letThroughAs(undefined) },
    {
      name: 'API key (static list)',
      setup: subject(
        { auth: { apiKeys: { keys: [{ id: 'bench', hash, consumer: 'acme' }] } } },
        { 'x-api-key': apiKey },
      ),
      expect: letThroughAs('acme'),
    },
    { name: 'JWT ES256, cache off', setup: subject(jwt(0), bearer), expect: letThroughAs('bench-client') },
    { name: 'JWT ES256, cache on', setup: subject(jwt(10_000), bearer), expect: letThroughAs('bench-client') },
  ]
}

await runMicroBench('Auth cost', cases())
