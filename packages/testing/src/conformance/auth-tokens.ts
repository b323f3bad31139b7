import type { GatewayConfig } from '@portcullis/core'
import { base64url, decodeJwt, SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { type JwksServer, startJwksServer } from '../jwks-server'
import { type OidcServer, startOidcServer } from '../oidc-server'
import { type RawResponse, rawHttp } from '../raw-http'
import { useFixture } from './helpers'

interface Problem {
  readonly code: string
  readonly status: number
  readonly detail?: string
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** RFC 6750 §3: a refused token is answered with an `invalid_token` challenge that says why (a quoted-string). */
const invalidTokenChallenge = /^Bearer realm="api", error="invalid_token", error_description="(?:[^"\\]|\\.)+"$/
/** RFC 6750 §3: `error_description` is limited to %x20-21 / %x23-5B / %x5D-7E: no `"` and no `\`, even escaped. */
const rfc6750Description = /error_description="[\x20\x21\x23-\x5B\x5D-\x7E]*"$/

/** Asserts a 401 problem with `code` and an `invalid_token` challenge, and that the app never ran. */
function expectRefused(response: RawResponse, code: string): Problem {
  expect(response.status).toBe(401)
  expect(response.headers['content-type']).toBe('application/problem+json')
  const problem = response.json as Problem
  expect(problem.code).toBe(code)
  expect(response.headers['www-authenticate']).toMatch(invalidTokenChallenge)
  return problem
}

/** Asserts a 503 problem with `code` and `Retry-After`: neither accepted nor refused, and not let through. */
function expectUnavailable(response: RawResponse, code: string): void {
  expect(response.status).toBe(503)
  expect(response.headers['content-type']).toBe('application/problem+json')
  expect((response.json as Problem).code).toBe(code)
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0)
}

const seconds = (ms: number) => Math.floor(ms / 1000)

/** Replaces a signed token's payload, keeping its header and signature. */
function tamper(token: string, changes: Record<string, unknown>): string {
  const [header, , signature] = token.split('.')
  const payload = base64url.encode(JSON.stringify({ ...decodeJwt(token), ...changes }))
  return `${header}.${payload}.${signature}`
}

/**
 * Bearer tokens: JWTs from a real OpenID provider (found by discovery), the usual JWT attacks against a
 * pinned issuer whose keys the test holds, opaque tokens through a real introspection endpoint, and
 * both methods at once.
 */
export function authTokenCases(adapter: AdapterFixture): void {
  describe('JWT bearer tokens from an OpenID provider', () => {
    let idp: OidcServer | undefined
    // Registered before useFixture so the provider outlives the gateway that calls it (hooks unwind).
    afterAll(() => idp?.close())
    const app = useFixture(adapter, async (): Promise<GatewayConfig> => {
      idp = await startOidcServer()
      return {
        auth: {
          jwt: { issuer: idp.issuer, audience: idp.audience, algorithms: ['ES256'], discovery: true, typ: 'at+jwt' },
        },
      }
    })
    const provider = () => idp as OidcServer

    it('lets a valid token through: the app sees the principal and x-consumer-id, not the spoofed one', async () => {
      const token = await provider().jwtAccessToken({ clientId: 'night-audit', scope: 'rooms:read rooms:write' })
      const response = await rawHttp(app.url, {
        target: '/users/7',
        headers: { ...bearer(token), 'x-consumer-id': 'admin' },
      })
      expect(response.status).toBe(200)
      const seen = response.json as EchoBody
      expect(seen.principal).toEqual({
        consumer: 'night-audit',
        groups: [],
        scopes: ['rooms:read', 'rooms:write'],
        credential: 'jwt',
      })
      expect(seen.headers['x-consumer-id']).toBe('night-audit')
      expect(provider().hits.discovery).toBeGreaterThanOrEqual(1)
    })

    it('answers a request without credentials with 401 auth.credentials_missing and a bare Bearer challenge', async () => {
      const response = await rawHttp(app.url, { target: '/users/7', headers: { 'x-consumer-id': 'admin' } })
      expect(response.status).toBe(401)
      expect((response.json as Problem).code).toBe('auth.credentials_missing')
      // RFC 6750 §3.1: no error code when the request carried no authentication at all.
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api"')
    })
  })

  describe('JWT attacks against a pinned RS256 issuer', () => {
    // The gateway's clock is frozen here, and every token is made against it: no waiting, no flakiness.
    const frozenAt = Date.now()
    let local: JwksServer | undefined
    let attacker: JwksServer | undefined
    afterAll(async () => {
      await Promise.all([local?.close(), attacker?.close()])
    })
    const app = useFixture(adapter, async (): Promise<GatewayConfig> => {
      ;[local, attacker] = await Promise.all([startJwksServer(), startJwksServer()])
      return {
        clock: { now: () => frozenAt },
        auth: {
          jwt: {
            issuer: local.issuer,
            audience: local.audience,
            algorithms: ['RS256'],
            jwksUri: local.jwksUri,
            typ: 'at+jwt',
            // Short, so a removed key is noticed within a few tens of milliseconds.
            keys: { refreshInterval: '40ms', cooldown: '40ms' },
          },
        },
      }
    })
    const issuer = () => local as JwksServer
    const evil = () => attacker as JwksServer
    const sign = (claims?: Parameters<JwksServer['sign']>[0], options: Parameters<JwksServer['sign']>[1] = {}) =>
      issuer().sign(claims, { now: frozenAt, ...options })
    const call = (token: string) => rawHttp(app.url, { target: '/users/7', headers: bearer(token) })
    /** Waits until the gateway has fetched the key set twice more, so a fetch that began after now has finished. */
    const keySetRefreshed = async () => {
      const before = issuer().hits.jwks
      await vi.waitFor(() => expect(issuer().hits.jwks).toBeGreaterThanOrEqual(before + 2), {
        timeout: 2_000,
        interval: 10,
      })
    }

    it('accepts a well-formed token (the baseline each attack changes one thing of)', async () => {
      const response = await call(await sign({ scope: 'rooms:read' }))
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).principal).toMatchObject({ consumer: 'local-client', credential: 'jwt' })
    })

    it('refuses alg: none with auth.token_invalid', async () => {
      const token = new UnsecuredJWT(issuer().claims({}, frozenAt)).encode()
      expectRefused(await call(token), 'auth.token_invalid')
    })

    it('refuses HS256 signed with the issuer RS256 public key as the HMAC secret', async () => {
      const key = issuer().signingKey
      for (const secret of [key.publicPem, JSON.stringify(key.publicJwk)]) {
        const token = await new SignJWT(issuer().claims({}, frozenAt))
          .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' })
          .sign(new TextEncoder().encode(secret))
        expectRefused(await call(token), 'auth.token_invalid')
      }
    })

    for (const parameter of ['jku', 'jwk', 'x5u'] as const) {
      it(`refuses a token whose ${parameter} header names the attacker's own key, and never fetches it`, async () => {
        const own = evil().signingKey
        const value = {
          jku: evil().jwksUri,
          jwk: own.publicJwk,
          x5u: `${evil().issuer}/certificate.pem`,
        }[parameter]
        const token = await sign({ scope: 'admin' }, { key: own, header: { [parameter]: value } })
        const problem = expectRefused(await call(token), 'auth.token_invalid')
        // The detail tells this refusal from the unknown key id the token would fail on anyway.
        expect(problem.detail).toMatch(/jku, jwk or x5u/)
        expect(evil().hits.jwks).toBe(0)
      })
    }

    it('refuses an expired token with auth.token_expired', async () => {
      const token = await sign({ exp: seconds(frozenAt) - 60 })
      expectRefused(await call(token), 'auth.token_expired')
    })

    it('accepts a token that expired within the clock tolerance (5 s)', async () => {
      const response = await call(await sign({ exp: seconds(frozenAt) - 2 }))
      expect(response.status).toBe(200)
    })

    it('refuses a token whose nbf is in the future with auth.token_not_yet_valid', async () => {
      const token = await sign({ nbf: seconds(frozenAt) + 3600 })
      expectRefused(await call(token), 'auth.token_not_yet_valid')
    })

    it('refuses a wrong aud, a wrong iss and a missing exp with auth.token_claims_invalid, naming the claim', async () => {
      const cases = [
        { claims: { aud: 'https://billing.example' }, claim: 'aud' },
        { claims: { iss: evil().issuer }, claim: 'iss' },
        { claims: { exp: undefined }, claim: 'exp' },
      ]
      for (const { claims, claim } of cases) {
        const problem = expectRefused(await call(await sign(claims)), 'auth.token_claims_invalid')
        expect(problem.detail).toContain(`"${claim}"`)
      }
    })

    it('refuses a valid signature over a tampered payload', async () => {
      const token = tamper(await sign({ scope: 'rooms:read' }), { scope: 'admin', sub: 'root' })
      expectRefused(await call(token), 'auth.token_invalid')
    })

    it('refuses a token signed by another key under the issuer key id', async () => {
      const token = await sign({}, { key: evil().signingKey, header: { kid: issuer().signingKey.kid } })
      expectRefused(await call(token), 'auth.token_invalid')
    })

    it('refuses a token whose kid the issuer does not publish', async () => {
      const unpublished = await issuer().createKey({ publish: false })
      expectRefused(await call(await sign({}, { key: unpublished })), 'auth.token_invalid')
    })

    it('refuses a token of a key removed from the JWKS, although the verified-token cache held it', async () => {
      const key = await issuer().createKey()
      await keySetRefreshed()
      const token = await sign({}, { key })
      expect((await call(token)).status).toBe(200)
      expect((await call(token)).status).toBe(200)
      issuer().unpublish(key.kid)
      await keySetRefreshed()
      expectRefused(await call(token), 'auth.token_invalid')
    })

    // RFC 6750 §3 allows neither " nor \ in error_description, even escaped; details quote claim names.
    it('keeps error_description within the RFC 6750 character set', async () => {
      const response = await call(await sign({ aud: 'https://billing.example' }))
      expectRefused(response, 'auth.token_claims_invalid')
      expect(response.headers['www-authenticate']).toMatch(rfc6750Description)
    })

    it('enforces typ: at+jwt, refusing typ JWT and a missing typ', async () => {
      for (const typ of ['JWT', undefined]) {
        const problem = expectRefused(await call(await sign({}, { header: { typ } })), 'auth.token_claims_invalid')
        expect(problem.detail).toContain('"typ"')
      }
    })

    it('answers a malformed Authorization: Bearer header with 400 invalid_request (RFC 6750 §3.1)', async () => {
      for (const authorization of ['Bearer', 'Bearer two tokens', 'Bearer a,b.c.d', 'Bearer "a.b.c"']) {
        const response = await rawHttp(app.url, { target: '/users/7', headers: { authorization } })
        expect(response.status).toBe(400)
        expect((response.json as Problem).code).toBe('auth.credentials_malformed')
        expect(response.headers['www-authenticate']).toMatch(
          /^Bearer realm="api", error="invalid_request", error_description="[^"\\]*"$/,
        )
      }
    })

    it('answers no credentials at all with 401 auth.credentials_missing and a bare Bearer challenge', async () => {
      const response = await rawHttp(app.url, { target: '/users/7' })
      expect(response.status).toBe(401)
      expect((response.json as Problem).code).toBe('auth.credentials_missing')
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api"')
    })

    // With only `jwt` configured every bearer token is the JWT method's: an opaque one is refused, not ignored.
    it('refuses a bearer token that is not a JWT at all with auth.token_invalid', async () => {
      expectRefused(await call('not-a-jwt'), 'auth.token_invalid')
    })
  })

  describe('opaque tokens through token introspection', () => {
    let idp: OidcServer | undefined
    // How far the gateway's clock runs ahead of the provider's, to expire a token the provider still calls active.
    let clockAheadMs = 0
    afterAll(() => idp?.close())
    afterEach(() => {
      idp?.failIntrospection(false)
      clockAheadMs = 0
    })
    const app = useFixture(adapter, async (): Promise<GatewayConfig> => {
      idp = await startOidcServer()
      return {
        clock: { now: () => Date.now() + clockAheadMs },
        auth: {
          introspection: {
            url: idp.introspectionEndpoint,
            clientId: idp.gatewayClient.clientId,
            clientSecret: idp.gatewayClient.clientSecret,
            timeout: '100ms',
          },
        },
      }
    })
    const provider = () => idp as OidcServer
    const call = (token: string) => rawHttp(app.url, { target: '/users/7', headers: bearer(token) })

    it('accepts an active token, with principal credential introspection', async () => {
      const response = await call(await provider().opaqueAccessToken({ scope: 'rooms:read' }))
      expect(response.status).toBe(200)
      const seen = response.json as EchoBody
      expect(seen.principal).toEqual({
        consumer: 'hotel-app-opaque',
        groups: [],
        scopes: ['rooms:read'],
        credential: 'introspection',
      })
      expect(seen.headers['x-consumer-id']).toBe('hotel-app-opaque')
    })

    it('refuses a revoked token with auth.token_inactive', async () => {
      const token = await provider().opaqueAccessToken()
      await provider().revoke(token)
      expectRefused(await call(token), 'auth.token_inactive')
    })

    it('refuses a token the server does not know with auth.token_inactive', async () => {
      expectRefused(await call('garbage-token-the-server-never-issued'), 'auth.token_inactive')
    })

    it('answers 503 auth.introspection_unavailable when the endpoint fails, and does not remember the failure', async () => {
      const token = await provider().opaqueAccessToken()
      provider().failIntrospection('error')
      const before = provider().hits.introspection
      expectUnavailable(await call(token), 'auth.introspection_unavailable')
      expect(provider().hits.introspection).toBe(before + 1)
      provider().failIntrospection(false)
      expect((await call(token)).status).toBe(200)
    })

    it('answers 503 when the endpoint is slower than the 100 ms timeout', async () => {
      const token = await provider().opaqueAccessToken()
      provider().failIntrospection({ delayMs: 2_000 })
      const started = performance.now()
      expectUnavailable(await call(token), 'auth.introspection_unavailable')
      expect(performance.now() - started).toBeLessThan(1_500)
    })

    it('refuses with auth.token_expired a token past its exp by the gateway clock, even if the server says active', async () => {
      const token = await provider().opaqueAccessToken()
      clockAheadMs = 10 * 60_000
      expectRefused(await call(token), 'auth.token_expired')
    })
  })

  describe('JWT and introspection configured together', () => {
    let idp: OidcServer | undefined
    afterAll(() => idp?.close())
    const app = useFixture(adapter, async (): Promise<GatewayConfig> => {
      idp = await startOidcServer()
      return {
        auth: {
          jwt: { issuer: idp.issuer, audience: idp.audience, algorithms: ['ES256'], discovery: true },
          introspection: {
            url: idp.introspectionEndpoint,
            clientId: idp.gatewayClient.clientId,
            clientSecret: idp.gatewayClient.clientSecret,
          },
        },
      }
    })
    const provider = () => idp as OidcServer
    const call = (token: string) => rawHttp(app.url, { target: '/users/7', headers: bearer(token) })

    it('verifies a JWT locally, without calling introspection', async () => {
      const token = await provider().jwtAccessToken({ scope: 'rooms:read' })
      const before = provider().hits.introspection
      const response = await call(token)
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).principal).toMatchObject({ consumer: 'hotel-app', credential: 'jwt' })
      expect(provider().hits.introspection).toBe(before)
    })

    it('sends an opaque token to introspection', async () => {
      const token = await provider().opaqueAccessToken({ scope: 'rooms:read' })
      const before = provider().hits.introspection
      const response = await call(token)
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).principal).toMatchObject({
        consumer: 'hotel-app-opaque',
        credential: 'introspection',
      })
      expect(provider().hits.introspection).toBe(before + 1)
    })

    it('refuses a revoked opaque token and a forged JWT, each by its own method', async () => {
      const opaque = await provider().opaqueAccessToken()
      await provider().revoke(opaque)
      expectRefused(await call(opaque), 'auth.token_inactive')
      const forged = tamper(await provider().jwtAccessToken(), { scope: 'admin' })
      expectRefused(await call(forged), 'auth.token_invalid')
    })

    // jwt and introspection ask for the same Bearer challenge: it is sent once.
    it('answers no credentials with 401 auth.credentials_missing and one Bearer challenge', async () => {
      const response = await rawHttp(app.url, { target: '/users/7' })
      expect(response.status).toBe(401)
      expect((response.json as Problem).code).toBe('auth.credentials_missing')
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api"')
    })
  })
}
