import {
  ConfigError,
  type ConfigProblem,
  createEngine,
  type Engine,
  type GatewayConfig,
  type RawRequest,
} from '@portcullis/core'
import { base64url, decodeJwt } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { type JwksServer, type OidcServer, startJwksServer, startOidcServer } from '../src/index'

/** A bodiless GET as an adapter would hand it to the engine, with a bearer token when given one. */
function rawRequest(token?: string): RawRequest {
  return {
    method: 'GET',
    target: '/rooms/7',
    headers: new Headers(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    remoteAddress: '127.0.0.1',
    tls: undefined,
    body: {
      declaredLength: undefined,
      present: false,
      read: async () => new Uint8Array(),
      stream: async function* () {},
    },
    raw: undefined,
  }
}

interface Answer {
  readonly status: number
  readonly code?: string
  readonly consumer?: string
  readonly headers?: Headers
}

/** Runs one request through the engine: 200 when it would reach the app, else the problem's status and code. */
async function call(engine: Engine, token?: string): Promise<Answer> {
  const outcome = await engine.handle(rawRequest(token))
  if (outcome.kind === 'continue') return { status: 200, consumer: outcome.ctx.principal?.consumer }
  const { code } = (await outcome.response.json()) as { code: string }
  return { status: outcome.response.status, code, headers: outcome.response.headers }
}

const engines: Engine[] = []
/** Creates an engine that is closed after the test, so no key-set timer outlives it. */
function start(config: GatewayConfig): Engine {
  const engine = createEngine(config)
  engines.push(engine)
  return engine
}
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.close()))
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The same token under another key id: the key lookup, which comes before the signature check, sees that kid. */
function withKid(token: string, kid: string): string {
  const [, payload, signature] = token.split('.')
  const header = base64url.encode(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid }))
  return `${header}.${payload}.${signature}`
}

describe('remote key sets', () => {
  let idp: OidcServer
  beforeAll(async () => {
    idp = await startOidcServer()
  })
  afterAll(() => idp.close())
  afterEach(() => idp.failJwks(false))

  type JwtOptions = Pick<NonNullable<NonNullable<GatewayConfig['auth']>['jwt']>, 'keys' | 'cache'>
  const jwtConfig = (options: JwtOptions = {}): GatewayConfig => ({
    auth: { jwt: { issuer: idp.issuer, audience: idp.audience, algorithms: ['ES256'], discovery: true, ...options } },
  })

  it('fetches the key set again for a rotated key, and at most once per cooldown for unknown kids', async () => {
    const engine = start(jwtConfig({ keys: { cooldown: '250ms' } }))
    const oldToken = await idp.jwtAccessToken()
    expect(await call(engine, oldToken)).toMatchObject({ status: 200 })
    // The first fetch counts towards the cooldown too; let it pass.
    await sleep(300)

    await idp.rotateKeys()
    const before = idp.hits
    const rotated = await idp.jwtAccessToken()
    expect(await call(engine, rotated)).toMatchObject({ status: 200, consumer: 'hotel-app' })
    expect(idp.hits.jwks).toBe(before.jwks + 1)
    // The JWKS address is remembered: discovery is not read again.
    expect(idp.hits.discovery).toBe(before.discovery)

    // Within the cooldown: twenty made-up kids, one after the other, and the dropped old key fetch nothing.
    for (const token of [oldToken, ...Array.from({ length: 20 }, (_, index) => withKid(rotated, `made-up-${index}`))])
      expect(await call(engine, token)).toMatchObject({ status: 401, code: 'auth.token_invalid' })
    expect(idp.hits.jwks).toBe(before.jwks + 1)

    // After the cooldown, a concurrent burst of unknown kids fetches exactly once.
    await sleep(300)
    const second = await Promise.all(
      Array.from({ length: 20 }, (_, index) => call(engine, withKid(rotated, `again-${index}`))),
    )
    for (const answer of second) expect(answer).toMatchObject({ status: 401, code: 'auth.token_invalid' })
    expect(idp.hits.jwks).toBe(before.jwks + 2)
  })

  it('serves the keys it has when the JWKS fails after the first fetch', async () => {
    const engine = start(jwtConfig({ keys: { refreshInterval: '30ms' } }))
    expect(await call(engine, await idp.jwtAccessToken())).toMatchObject({ status: 200 })
    idp.failJwks(true)
    // Two refreshes have failed by the time the second one is asked for.
    const before = idp.hits.jwks
    await vi.waitFor(() => expect(idp.hits.jwks).toBeGreaterThanOrEqual(before + 2), { timeout: 2_000, interval: 10 })
    // A token the gateway has never seen, so neither cache can answer: the stale key verifies it.
    const fresh = await idp.jwtAccessToken({ clientId: 'night-audit' })
    expect(await call(engine, fresh)).toMatchObject({ status: 200, consumer: 'night-audit' })
  })

  it('answers 503 auth.jwks_unavailable while the key set was never fetched, then recovers after the cooldown', async () => {
    idp.failJwks(true)
    const engine = start(jwtConfig({ keys: { cooldown: '100ms' } }))
    const token = await idp.jwtAccessToken()
    const answer = await call(engine, token)
    expect(answer).toMatchObject({ status: 503, code: 'auth.jwks_unavailable' })
    expect(Number(answer.headers?.get('retry-after'))).toBeGreaterThan(0)
    expect(answer.headers?.has('www-authenticate')).toBe(false)
    idp.failJwks(false)
    await sleep(150)
    expect(await call(engine, token)).toMatchObject({ status: 200 })
  })

  // An outage of the IdP must not be amplified by the gateway's traffic: with no key set known,
  // a failed fetch is retried at most once per cooldown (30 s by default), as for unknown key ids.
  it('fetches a never-fetched key set at most once per cooldown while the JWKS is down', async () => {
    idp.failJwks(true)
    const engine = start(jwtConfig())
    const token = await idp.jwtAccessToken()
    expect(await call(engine, token)).toMatchObject({ status: 503, code: 'auth.jwks_unavailable' })
    const before = idp.hits.jwks
    for (let request = 0; request < 10; request += 1)
      expect(await call(engine, token)).toMatchObject({ status: 503, code: 'auth.jwks_unavailable' })
    expect(idp.hits.jwks).toBe(before)
  })

  it('checks a token signature once: the verified-token cache answers the same token again', async () => {
    // jose verifies every signature with WebCrypto: counting those calls shows what the cache saves.
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify')
    try {
      const signatureChecks = async (config: GatewayConfig) => {
        const engine = start(config)
        const token = await idp.jwtAccessToken()
        verify.mockClear()
        for (let request = 0; request < 3; request += 1)
          expect(await call(engine, token)).toMatchObject({ status: 200 })
        return verify.mock.calls.length
      }
      expect(await signatureChecks(jwtConfig())).toBe(1)
      // The control: without the cache every request is checked, so the spy does see the checks.
      expect(await signatureChecks(jwtConfig({ cache: { maxEntries: 0 } }))).toBe(3)
    } finally {
      verify.mockRestore()
    }
  })

  it('does not serve a cached token past its exp', async () => {
    let now = Date.now()
    const engine = start({ ...jwtConfig(), clock: { now: () => now } })
    const token = await idp.jwtAccessToken()
    expect(await call(engine, token)).toMatchObject({ status: 200 })
    // Past exp and the 5 s clock tolerance.
    now = (decodeJwt(token).exp as number) * 1000 + 6_000
    expect(await call(engine, token)).toMatchObject({ status: 401, code: 'auth.token_expired' })
  })
})

describe('introspection caching', () => {
  let idp: OidcServer
  let now = Date.now()
  beforeAll(async () => {
    idp = await startOidcServer()
  })
  afterAll(() => idp.close())

  const introspectionEngine = () =>
    start({
      clock: { now: () => now },
      auth: {
        introspection: {
          url: idp.introspectionEndpoint,
          clientId: idp.gatewayClient.clientId,
          clientSecret: idp.gatewayClient.clientSecret,
          cache: { ttl: '30s', inactiveTtl: '10s' },
        },
      },
    })

  it('asks once for the same token, again once the ttl has passed', async () => {
    now = Date.now()
    const engine = introspectionEngine()
    const token = await idp.opaqueAccessToken()
    const before = idp.hits.introspection
    expect(await call(engine, token)).toMatchObject({ status: 200, consumer: 'hotel-app-opaque' })
    expect(await call(engine, token)).toMatchObject({ status: 200 })
    expect(idp.hits.introspection).toBe(before + 1)
    now += 30_001
    expect(await call(engine, token)).toMatchObject({ status: 200 })
    expect(idp.hits.introspection).toBe(before + 2)
  })

  it('makes exactly one call for ten concurrent requests with one new token', async () => {
    now = Date.now()
    const engine = introspectionEngine()
    const token = await idp.opaqueAccessToken()
    const before = idp.hits.introspection
    const answers = await Promise.all(Array.from({ length: 10 }, () => call(engine, token)))
    for (const answer of answers) expect(answer).toMatchObject({ status: 200 })
    expect(idp.hits.introspection).toBe(before + 1)
  })

  it('keeps an inactive answer for inactiveTtl, then asks again', async () => {
    now = Date.now()
    const engine = introspectionEngine()
    const before = idp.hits.introspection
    const refused = { status: 401, code: 'auth.token_inactive' }
    expect(await call(engine, 'never-issued')).toMatchObject(refused)
    now += 9_000
    expect(await call(engine, 'never-issued')).toMatchObject(refused)
    expect(idp.hits.introspection).toBe(before + 1)
    now += 1_001
    expect(await call(engine, 'never-issued')).toMatchObject(refused)
    expect(idp.hits.introspection).toBe(before + 2)
  })
})

describe('several issuers', () => {
  let idp: OidcServer
  let local: JwksServer
  let engine: Engine
  beforeAll(async () => {
    ;[idp, local] = await Promise.all([startOidcServer(), startJwksServer({ audience: 'https://api.local.example' })])
    engine = createEngine({
      auth: {
        jwt: {
          issuers: [
            { issuer: idp.issuer, audience: idp.audience, algorithms: ['ES256'], discovery: true },
            { issuer: local.issuer, audience: local.audience, algorithms: ['RS256'], jwksUri: local.jwksUri },
          ],
        },
      },
    })
  })
  afterAll(async () => {
    await engine.close()
    await Promise.all([idp.close(), local.close()])
  })

  it('verifies each token against its own issuer', async () => {
    expect(await call(engine, await idp.jwtAccessToken())).toMatchObject({ status: 200, consumer: 'hotel-app' })
    expect(await call(engine, await local.sign())).toMatchObject({ status: 200, consumer: 'local-client' })
  })

  it("refuses a token that claims one issuer and is signed with the other's key", async () => {
    const token = await local.sign({ iss: idp.issuer, aud: idp.audience })
    expect(await call(engine, token)).toMatchObject({ status: 401, code: 'auth.token_invalid' })
  })

  it("checks each issuer's own audience", async () => {
    const token = await local.sign({ aud: idp.audience })
    expect(await call(engine, token)).toMatchObject({ status: 401, code: 'auth.token_claims_invalid' })
  })

  it('refuses an unknown iss with auth.token_claims_invalid', async () => {
    const token = await local.sign({ iss: 'https://idp.evil.example' })
    expect(await call(engine, token)).toMatchObject({ status: 401, code: 'auth.token_claims_invalid' })
  })
})

describe('JWT config errors at start-up', () => {
  /** The problems of a config that must not start. */
  function problemsOf(config: GatewayConfig): { problems: readonly ConfigProblem[]; message: string } {
    try {
      start(config)
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      return error as ConfigError
    }
    throw new Error('the gateway started with a broken config')
  }
  const jwksUri = 'https://idp.example/jwks'

  it('requires algorithms', () => {
    const { problems, message } = problemsOf({ auth: { jwt: { issuer: 'https://idp.example', jwksUri } } })
    expect(problems).toEqual([{ path: 'auth.jwt.algorithms', message: expect.stringMatching(/^required/) }])
    expect(message).toContain('auth.jwt.algorithms: required')
  })

  it('refuses HS256 with a public key source (the algorithm confusion attack)', () => {
    const { problems } = problemsOf({ auth: { jwt: { algorithms: ['RS256', 'HS256'], jwksUri } } })
    expect(problems).toEqual([{ path: 'auth.jwt.algorithms', message: expect.stringContaining('only with a secret') }])
  })

  it('refuses a secret shorter than the hash, without echoing it', () => {
    const secret = 'twenty-byte-secret!!'
    const { problems, message } = problemsOf({ auth: { jwt: { algorithms: ['HS256'], secret } } })
    expect(problems).toEqual([{ path: 'auth.jwt.secret', message: expect.stringContaining('at least 32 bytes') }])
    expect(message).not.toContain(secret)
    const longEnoughFor256 = 'x'.repeat(48)
    expect(problemsOf({ auth: { jwt: { algorithms: ['HS512'], secret: longEnoughFor256 } } }).problems).toEqual([
      { path: 'auth.jwt.secret', message: expect.stringContaining('at least 64 bytes') },
    ])
  })

  it('refuses two key sources at once', () => {
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] }
    const { problems } = problemsOf({ auth: { jwt: { algorithms: ['ES256'], jwksUri, jwks } } })
    expect(problems).toEqual([{ path: 'auth.jwt', message: expect.stringContaining('exactly one key source') }])
  })

  it('names the issuer that lacks its iss when several are configured', () => {
    const { problems, message } = problemsOf({
      auth: {
        jwt: {
          issuers: [
            { issuer: 'https://a.example', algorithms: ['ES256'], jwksUri },
            { algorithms: ['ES256'], jwksUri: 'https://b.example/jwks' },
          ],
        },
      },
    })
    expect(problems).toEqual([{ path: 'auth.jwt.issuers[1].issuer', message: expect.stringMatching(/^required/) }])
    expect(message).toContain('auth.jwt.issuers[1].issuer: required')
  })
})
