import net from 'node:net'
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { type OidcServer, startOidcServer } from '../src/index'

// Spied from the start, before oidc-provider is first imported, to prove the harness prints nothing.
const consoleCalls = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method))

async function introspect(idp: OidcServer, token: string, signal?: AbortSignal): Promise<Response> {
  const { clientId, clientSecret } = idp.gatewayClient
  return fetch(idp.introspectionEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ token }),
    signal,
  })
}

async function introspection(idp: OidcServer, token: string): Promise<Record<string, unknown>> {
  const response = await introspect(idp, token)
  expect(response.status).toBe(200)
  return (await response.json()) as Record<string, unknown>
}

const jwks = async (idp: OidcServer) => ((await (await fetch(idp.jwksUri)).json()) as { keys: { kid: string }[] }).keys

describe('startOidcServer', () => {
  let idp: OidcServer
  beforeAll(async () => {
    idp = await startOidcServer()
  })
  afterAll(() => idp.close())
  afterEach(() => {
    idp.failJwks(false)
    idp.failIntrospection(false)
  })

  it('serves discovery with its issuer, JWKS and introspection endpoint, on plain HTTP on loopback', async () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(idp.discoveryUrl).toBe(`${idp.issuer}/.well-known/openid-configuration`)
    const response = await fetch(idp.discoveryUrl)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      issuer: idp.issuer,
      jwks_uri: idp.jwksUri,
      introspection_endpoint: idp.introspectionEndpoint,
    })
  })

  it('issues ES256 JWT access tokens that verify against the remote JWKS', async () => {
    const token = await idp.jwtAccessToken({ scope: 'rooms:read rooms:write', claims: { groups: ['staff'] } })
    const [key] = await jwks(idp)
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), {
      issuer: idp.issuer,
      audience: 'https://api.hotel.example',
      typ: 'at+jwt',
    })
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: key?.kid })
    expect(payload).toMatchObject({
      iss: idp.issuer,
      aud: 'https://api.hotel.example',
      scope: 'rooms:read rooms:write',
      client_id: 'hotel-app',
      sub: 'hotel-app',
      groups: ['staff'],
    })
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300)
  })

  it('issues JWT access tokens to any client id, and without scope when none is asked for', async () => {
    const payload = decodeJwt(await idp.jwtAccessToken({ clientId: 'night-audit' }))
    expect(payload).toMatchObject({ client_id: 'night-audit', sub: 'night-audit' })
    expect(payload).not.toHaveProperty('scope')
  })

  it('keeps the standard claims when extra claims name them', async () => {
    const payload = decodeJwt(await idp.jwtAccessToken({ claims: { iss: 'https://evil.example', aud: 'x' } }))
    expect(payload).toMatchObject({ iss: idp.issuer, aud: idp.audience })
  })

  it('introspects opaque tokens for the gateway client: active, then inactive once revoked', async () => {
    const token = await idp.opaqueAccessToken({ scope: 'rooms:read', claims: { groups: ['staff'] } })
    expect(token.split('.')).toHaveLength(1)
    const active = await introspection(idp, token)
    expect(active).toMatchObject({
      active: true,
      scope: 'rooms:read',
      aud: 'https://api.hotel.example',
      client_id: 'hotel-app-opaque',
      iss: idp.issuer,
      token_type: 'Bearer',
      groups: ['staff'],
    })
    expect((active.exp as number) - (active.iat as number)).toBe(300)

    await idp.revoke(token)
    expect(await introspection(idp, token)).toEqual({ active: false })
  })

  it('reports garbage as inactive, and refuses clients without the right secret', async () => {
    expect(await introspection(idp, 'not-a-token')).toEqual({ active: false })
    const response = await fetch(idp.introspectionEndpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${idp.gatewayClient.clientId}:wrong`).toString('base64')}` },
      body: new URLSearchParams({ token: 'not-a-token' }),
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('cannot introspect or revoke JWT access tokens, which oidc-provider does not store', async () => {
    const token = await idp.jwtAccessToken()
    const response = await introspect(idp, token)
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'unsupported_token_type' })
    await expect(idp.revoke(token)).rejects.toThrow(/unsupported_token_type/)
    expect(idp.errors.at(-1)).toMatchObject({ event: 'revocation.error' })
  })

  it('counts the requests to the JWKS, discovery and introspection endpoints', async () => {
    const before = idp.hits
    await fetch(idp.discoveryUrl)
    await fetch(`${idp.issuer}/.well-known/oauth-authorization-server`)
    await fetch(idp.jwksUri)
    await introspect(idp, 'not-a-token')
    await introspect(idp, 'not-a-token')
    await idp.jwtAccessToken()
    expect(idp.hits).toEqual({
      discovery: before.discovery + 2,
      jwks: before.jwks + 1,
      introspection: before.introspection + 2,
    })
  })

  it('fails the JWKS endpoint with 503 while failJwks(true), and counts those requests too', async () => {
    const before = idp.hits.jwks
    idp.failJwks(true)
    expect((await fetch(idp.jwksUri)).status).toBe(503)
    const token = await idp.jwtAccessToken()
    await expect(jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)))).rejects.toThrow(/200 OK/)
    idp.failJwks(false)
    expect((await fetch(idp.jwksUri)).status).toBe(200)
    expect(idp.hits.jwks).toBe(before + 3)
  })

  it('fails introspection with 503, or delays it, until failIntrospection(false)', async () => {
    const token = await idp.opaqueAccessToken()
    idp.failIntrospection('error')
    expect((await introspect(idp, token)).status).toBe(503)

    idp.failIntrospection({ delayMs: 5_000 })
    await expect(introspect(idp, token, AbortSignal.timeout(100))).rejects.toThrow(/aborted/)
    idp.failIntrospection({ delayMs: 150 })
    const started = performance.now()
    expect(await introspection(idp, token)).toMatchObject({ active: true })
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)

    idp.failIntrospection(false)
    expect(await introspection(idp, token)).toMatchObject({ active: true })
  })
})

describe('startOidcServer options', () => {
  it('signs with RS256 and issues for another audience when asked', async () => {
    const idp = await startOidcServer({ algorithm: 'RS256', audience: 'https://billing.example' })
    try {
      const token = await idp.jwtAccessToken({ scope: 'invoices:read' })
      const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), {
        issuer: idp.issuer,
        audience: 'https://billing.example',
      })
      expect(protectedHeader.alg).toBe('RS256')
      expect(payload.scope).toBe('invoices:read')
      expect(await jwks(idp)).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', kid: protectedHeader.kid })])
    } finally {
      await idp.close()
    }
  })

  it('issues tokens that expire after accessTokenTtlSeconds, on the server clock as well', async () => {
    const idp = await startOidcServer({ accessTokenTtlSeconds: 1 })
    try {
      const token = await idp.jwtAccessToken()
      const { exp = 0, iat = 0 } = decodeJwt(token)
      expect(exp - iat).toBe(1)
      const keys = createRemoteJWKSet(new URL(idp.jwksUri))
      await expect(jwtVerify(token, keys, { currentDate: new Date(exp * 1000) })).rejects.toThrow(errors.JWTExpired)

      const opaque = await idp.opaqueAccessToken()
      expect(await introspection(idp, opaque)).toMatchObject({ active: true })
      // The server runs in this process, so a faked Date moves its clock too: no waiting.
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(Date.now() + 1_000)
      expect(await introspection(idp, opaque)).toEqual({ active: false })
    } finally {
      vi.useRealTimers()
      await idp.close()
    }
  })

  it('rejects a TTL that is not a positive integer', async () => {
    await expect(startOidcServer({ accessTokenTtlSeconds: 0.5 })).rejects.toThrow(RangeError)
  })
})

describe('rotateKeys', () => {
  it('signs with a new key the cached JWKS does not know, and drops the old key', async () => {
    const idp = await startOidcServer()
    try {
      const cached = createRemoteJWKSet(new URL(idp.jwksUri))
      const oldToken = await idp.jwtAccessToken()
      const opaque = await idp.opaqueAccessToken()
      await jwtVerify(oldToken, cached)
      const oldKid = decodeProtectedHeader(oldToken).kid

      await idp.rotateKeys()
      const newToken = await idp.jwtAccessToken()
      const newKid = decodeProtectedHeader(newToken).kid
      expect(newKid).not.toBe(oldKid)
      expect((await jwks(idp)).map((key) => key.kid)).toEqual([newKid])
      // jose refetches for an unknown kid only after its 30 s cooldown: a gateway must handle this.
      await expect(jwtVerify(newToken, cached)).rejects.toThrow(errors.JWKSNoMatchingKey)

      const fresh = createRemoteJWKSet(new URL(idp.jwksUri))
      await expect(jwtVerify(newToken, fresh, { issuer: idp.issuer })).resolves.toBeDefined()
      await expect(jwtVerify(oldToken, fresh)).rejects.toThrow(errors.JWKSNoMatchingKey)
      // Same issuer, same store: discovery and earlier opaque tokens are unaffected.
      expect(await (await fetch(idp.discoveryUrl)).json()).toMatchObject({ issuer: idp.issuer })
      expect(await introspection(idp, opaque)).toMatchObject({ active: true })
    } finally {
      await idp.close()
    }
  })

  it('keeps serving the old key with keepOld, so earlier tokens still verify', async () => {
    const idp = await startOidcServer()
    try {
      const oldToken = await idp.jwtAccessToken()
      await idp.rotateKeys({ keepOld: true })
      const newToken = await idp.jwtAccessToken()
      const oldKid = decodeProtectedHeader(oldToken).kid
      const newKid = decodeProtectedHeader(newToken).kid
      expect(newKid).not.toBe(oldKid)
      expect((await jwks(idp)).map((key) => key.kid)).toEqual([newKid, oldKid])
      const keys = createRemoteJWKSet(new URL(idp.jwksUri))
      await expect(jwtVerify(oldToken, keys, { issuer: idp.issuer })).resolves.toBeDefined()
      await expect(jwtVerify(newToken, keys, { issuer: idp.issuer })).resolves.toBeDefined()
    } finally {
      await idp.close()
    }
  })
})

describe('close', () => {
  it('releases the port', async () => {
    const idp = await startOidcServer()
    const port = Number(new URL(idp.issuer).port)
    idp.failIntrospection({ delayMs: 60_000 })
    const pending = introspect(idp, 'not-a-token')
    await vi.waitFor(() => expect(idp.hits.introspection).toBe(1))
    await idp.close()
    await expect(pending).rejects.toThrow()
    await expect(fetch(idp.discoveryUrl)).rejects.toThrow()
    const server = net.createServer()
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve))
    await new Promise((resolve) => server.close(resolve))
  })
})

describe('the console', () => {
  it('was not written to by oidc-provider or the harness', () => {
    for (const spy of consoleCalls) expect(spy).not.toHaveBeenCalled()
  })
})
