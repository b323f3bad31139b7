import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
} from 'jose'
import { listen } from './listen'

/** The algorithms a {@link JwksServer} signs with. */
export type JwksAlgorithm = 'RS256' | 'ES256'

/** One key pair of a {@link JwksServer}: the private half signs, the public half may be published. */
export interface SigningKey {
  readonly kid: string
  readonly alg: JwksAlgorithm
  readonly privateKey: CryptoKey
  /** The public key as a JWK with `kid`, `alg` and `use`, as the JWKS serves it. */
  readonly publicJwk: JWK
  /** The public key as SPKI PEM text (what an HS256/RS256 confusion attack uses as the HMAC secret). */
  readonly publicPem: string
}

/** Options of {@link startJwksServer}. */
export interface JwksServerOptions {
  /** Default `'RS256'`. */
  algorithm?: JwksAlgorithm
  /** The `aud` of tokens signed by default. Default `'https://api.hotel.example'`. */
  audience?: string
}

/** Options of {@link JwksServer.sign}. */
export interface SignOptions {
  /** The key to sign with; it need not be published. Default: the server's first key. */
  key?: SigningKey
  /** Protected header parameters added to (or, with `undefined`, removed from) `{ alg, kid, typ: 'at+jwt' }`. */
  header?: Partial<JWTHeaderParameters>
  /** The time `iat` and the default `exp` are counted from, in ms. Default: `Date.now()`. */
  now?: number
}

/**
 * A tiny issuer: a JWKS (and a discovery document) on 127.0.0.1 whose keys the test holds, so it can
 * sign any token it likes. It stands for a local issuer, or for an attacker's own key server.
 */
export interface JwksServer {
  /** `http://127.0.0.1:<port>`, also the `iss` of the tokens it signs. */
  readonly issuer: string
  /** `<issuer>/jwks`. */
  readonly jwksUri: string
  readonly audience: string
  readonly algorithm: JwksAlgorithm
  /** The key {@link JwksServer.sign} uses by default; published from the start. */
  readonly signingKey: SigningKey
  /** The keys the JWKS serves now. */
  readonly published: readonly SigningKey[]
  /** How many requests the JWKS has had (each read is a snapshot), including those `failJwks` answers. */
  readonly hits: { readonly jwks: number; readonly discovery: number }
  /** Makes a new key pair; published unless `publish: false`. */
  createKey(options?: { publish?: boolean }): Promise<SigningKey>
  /** Removes a key from the JWKS (as an issuer does when it revokes one). */
  unpublish(kid: string): void
  /** The default claims (`iss`, `aud`, `sub`, `iat`, `exp` 5 minutes on), with `claims` over them; `undefined` drops one. */
  claims(claims?: JWTPayload, now?: number): JWTPayload
  /** Signs a JWT with {@link JwksServer.claims}. */
  sign(claims?: JWTPayload, options?: SignOptions): Promise<string>
  /** Makes the JWKS answer 503 until called again with `false`. */
  failJwks(fail: boolean): void
  close(): Promise<void>
}

async function createSigningKey(alg: JwksAlgorithm): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const jwk = await exportJWK(publicKey)
  const kid = await calculateJwkThumbprint(jwk)
  return { kid, alg, privateKey, publicJwk: { ...jwk, kid, alg, use: 'sig' }, publicPem: await exportSPKI(publicKey) }
}

/**
 * Starts a JWKS server on a free port with one published key.
 *
 * @example
 * ```ts
 * const local = await startJwksServer()
 * const token = await local.sign({ scope: 'rooms:read' })
 * ```
 */
export async function startJwksServer(options: JwksServerOptions = {}): Promise<JwksServer> {
  const { algorithm = 'RS256', audience = 'https://api.hotel.example' } = options
  const published: SigningKey[] = []
  const hits = { jwks: 0, discovery: 0 }
  let failing = false
  let issuer = ''

  const server = await listen((req, res) => {
    const path = req.url?.split('?')[0]
    if (path === '/jwks') {
      hits.jwks += 1
      if (failing) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"temporarily_unavailable"}')
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ keys: published.map((key) => key.publicJwk) }))
    } else if (path === '/.well-known/openid-configuration') {
      hits.discovery += 1
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }))
    } else {
      res.writeHead(404).end()
    }
  })
  issuer = server.url

  const signingKey = await createSigningKey(algorithm)
  published.push(signingKey)

  const claims = (overrides: JWTPayload = {}, now = Date.now()): JWTPayload => {
    const seconds = Math.floor(now / 1000)
    return { iss: issuer, aud: audience, sub: 'local-client', iat: seconds, exp: seconds + 300, ...overrides }
  }

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    audience,
    algorithm,
    signingKey,
    get published() {
      return [...published]
    },
    get hits() {
      return { ...hits }
    },
    async createKey({ publish = true } = {}) {
      const key = await createSigningKey(algorithm)
      if (publish) published.push(key)
      return key
    },
    unpublish(kid) {
      const index = published.findIndex((key) => key.kid === kid)
      if (index !== -1) published.splice(index, 1)
    },
    claims,
    sign(overrides, { key = signingKey, header = {}, now } = {}) {
      // JSON drops undefined members, so `{ exp: undefined }` leaves the claim out.
      return new SignJWT(claims(overrides, now))
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header } as JWTHeaderParameters)
        .sign(key.privateKey)
    },
    failJwks(fail) {
      failing = fail
    },
    close: () => server.close(),
  }
}
