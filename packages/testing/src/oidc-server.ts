import { randomBytes } from 'node:crypto'
import type http from 'node:http'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose'
import { listen } from './listen'

/** Options of {@link startOidcServer}. */
export interface OidcServerOptions {
  /** Signing algorithm of access tokens and of the JWKS key. Default `'ES256'`. */
  algorithm?: 'ES256' | 'RS256'
  /** The API (resource indicator, and so `aud`) access tokens are issued for. Default `'https://api.hotel.example'`. */
  audience?: string
  /** Lifetime of access tokens in seconds, a positive integer. Default 300. */
  accessTokenTtlSeconds?: number
}

/** An error event oidc-provider emitted: recorded here instead of being printed. */
export interface OidcProviderError {
  /** `server_error`, `grant.error` (token endpoint), `introspection.error`, `revocation.error`, ... */
  readonly event: string
  readonly error: unknown
}

/** A real OAuth 2.0 / OpenID Connect server (oidc-provider) on 127.0.0.1, for tests. */
export interface OidcServer {
  /** `http://127.0.0.1:<port>`, also the `iss` of every token. */
  readonly issuer: string
  readonly jwksUri: string
  readonly introspectionEndpoint: string
  /** `<issuer>/.well-known/openid-configuration`. */
  readonly discoveryUrl: string
  /** The `aud` of every access token (the resource indicator they are requested for). */
  readonly audience: string
  /** The confidential client the gateway uses to call the introspection endpoint (HTTP Basic). */
  readonly gatewayClient: { readonly clientId: string; readonly clientSecret: string }
  /**
   * A JWT access token (`typ: at+jwt`) from the client_credentials grant for {@link OidcServer.audience}.
   * `scope` is granted as asked (omitted: no `scope` claim); `clientId` (default `hotel-app`) becomes
   * `client_id` and `sub`; `claims` are added to the payload but cannot replace `iss`, `aud`, `exp`,
   * `iat`, `jti`, `sub`, `scope` or `client_id`.
   */
  jwtAccessToken(options?: { scope?: string; clientId?: string; claims?: Record<string, unknown> }): Promise<string>
  /**
   * An opaque access token for {@link OidcServer.audience}, issued to the client `hotel-app-opaque`:
   * introspection reports its `scope`, `aud`, `client_id` and `claims`.
   */
  opaqueAccessToken(options?: { scope?: string; claims?: Record<string, unknown> }): Promise<string>
  /**
   * Revokes an opaque token through the revocation endpoint, so that introspection then reports it inactive.
   * Rejects for a JWT access token: oidc-provider does not store those, so cannot revoke them.
   */
  revoke(token: string): Promise<void>
  /**
   * Replaces the signing key with a new one (new `kid`) by swapping in a new provider behind the same port:
   * tokens, clients and the issuer stay. The JWKS then serves the new key only or, with `keepOld`, the new
   * key followed by all the earlier ones.
   */
  rotateKeys(options?: { keepOld?: boolean }): Promise<void>
  /**
   * How many requests each endpoint has had, counting those that `failJwks` and `failIntrospection` answer.
   * `discovery` counts both `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`.
   * Each read is a snapshot.
   */
  readonly hits: { readonly jwks: number; readonly discovery: number; readonly introspection: number }
  /** Error events oidc-provider emitted (it prints none), oldest first. */
  readonly errors: readonly OidcProviderError[]
  /** Makes the JWKS endpoint answer 503 until called again with `false`. */
  failJwks(fail: boolean): void
  /** Makes the introspection endpoint answer 503 (`'error'`), or answer only after `delayMs`, until called with `false`. */
  failIntrospection(mode: false | 'error' | { delayMs: number }): void
  /** Stops the server, dropping open connections, and releases the port. */
  close(): Promise<void>
}

/** The little of oidc-provider's API used here (it ships no type declarations). */
interface ProviderModule {
  Provider: new (issuer: string, configuration: object) => Provider
  errors: { InvalidTarget: new (description?: string) => Error }
}

interface Provider {
  callback(): http.RequestListener
  on(event: string, listener: (...args: unknown[]) => void): unknown
}

/** The Koa context oidc-provider passes to configuration functions, as far as they read it. */
interface ProviderContext {
  get(field: string): string
  oidc: { params: { scope?: unknown } }
}

type TokenFormat = 'jwt' | 'opaque'

const gatewayClientId = 'portcullis-gateway'
const defaultJwtClientId = 'hotel-app'
const opaqueClientId = 'hotel-app-opaque'
// Carries per-token claims from the harness's own token request to extraTokenClaims: the token request
// is the only thing oidc-provider hands that function.
const claimsHeader = 'x-test-token-claims'
// oidc-provider's default routes, set explicitly so that the request counter knows them before a provider exists.
const routes = {
  jwks: '/jwks',
  introspection: '/token/introspection',
  revocation: '/token/revocation',
  token: '/token',
}
const discoveryPaths = new Set(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])
const recordedEvents = [
  'server_error',
  'grant.error',
  'introspection.error',
  'revocation.error',
  'jwks.error',
  'discovery.error',
]

let providerModule: Promise<ProviderModule> | undefined

/** Imports oidc-provider once, on first use, so that importing this package does not load it. */
function loadProviderModule(): Promise<ProviderModule> {
  providerModule ??= importWithoutRuntimeWarning()
  return providerModule
}

async function importWithoutRuntimeWarning(): Promise<ProviderModule> {
  // On import oidc-provider 9 warns with console.warn on any Node.js release line before 22 ("Unsupported
  // runtime"), and this repository runs on Node 20: drop that one line, pass anything else through.
  const warn = console.warn
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('Unsupported runtime')) warn(...args)
  }
  try {
    // @ts-expect-error -- no declarations ship with oidc-provider and @types/oidc-provider is no dependency
    return (await import('oidc-provider')) as ProviderModule
  } finally {
    console.warn = warn
  }
}

async function createSigningKey(algorithm: 'ES256' | 'RS256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(algorithm, { extractable: true })
  const jwk = await exportJWK(privateKey)
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: algorithm, use: 'sig' }
}

const randomSecret = () => randomBytes(32).toString('base64url')

const basicAuth = (clientId: string, clientSecret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`

function unavailable(res: http.ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'failure injected by the test' }))
}

/** Resolves after `ms`, or early (to false) when the response closes, e.g. because the server closed. */
function waitUnlessClosed(res: http.ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), ms)
    res.once('close', () => {
      clearTimeout(timer)
      resolve(false)
    })
  })
}

async function readJson(response: Response, what: string): Promise<Record<string, unknown>> {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
  if (!response.ok) throw new Error(`${what} failed: HTTP ${response.status} ${JSON.stringify(body)}`)
  return body
}

/**
 * Starts oidc-provider on 127.0.0.1 on a free port, over plain HTTP, with client_credentials, introspection,
 * revocation and resource indicators: the API {@link OidcServerOptions.audience} gets JWT access tokens
 * signed with a key made here, or opaque ones for the client `hotel-app-opaque`. All state is in memory,
 * in this server alone. It prints nothing: errors go to {@link OidcServer.errors}, and oidc-provider's own
 * diagnostics only through `debug` (`DEBUG=oidc-provider:*`).
 *
 * @example
 * ```ts
 * const idp = await startOidcServer()
 * const token = await idp.jwtAccessToken({ scope: 'rooms:read' })
 * await jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), { issuer: idp.issuer, audience: idp.audience })
 * await idp.close()
 * ```
 */
export async function startOidcServer(options: OidcServerOptions = {}): Promise<OidcServer> {
  const { algorithm = 'ES256', audience = 'https://api.hotel.example', accessTokenTtlSeconds = 300 } = options
  if (!Number.isInteger(accessTokenTtlSeconds) || accessTokenTtlSeconds < 1) {
    throw new RangeError(`accessTokenTtlSeconds must be a positive integer, not ${accessTokenTtlSeconds}`)
  }
  const { Provider, errors: oauthErrors } = await loadProviderModule()

  // oidc-provider's adapter: every model in one map, shared by the providers rotateKeys swaps in so tokens and
  // clients outlive a rotation. No expiry here: oidc-provider checks `exp` itself on every find.
  const store = new Map<string, unknown>()
  const adapter = (model: string) => ({
    upsert: async (id: string, payload: unknown) => void store.set(`${model}:${id}`, payload),
    find: async (id: string) => store.get(`${model}:${id}`),
    destroy: async (id: string) => void store.delete(`${model}:${id}`),
  })

  // Clients are registered through the adapter rather than the static `clients` option, so that a token
  // for any clientId can be had after start.
  const clients = new Map<string, { secret: string; format: TokenFormat | undefined }>()
  function registerClient(clientId: string, format: TokenFormat | undefined): string {
    const known = clients.get(clientId)
    if (known !== undefined) {
      if (known.format !== format) throw new Error(`client ${clientId} cannot be given ${format} tokens`)
      return known.secret
    }
    const secret = randomSecret()
    clients.set(clientId, { secret, format })
    store.set(`Client:${clientId}`, {
      client_id: clientId,
      client_secret: secret,
      grant_types: format === undefined ? [] : ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    })
    return secret
  }
  const gatewayClient = { clientId: gatewayClientId, clientSecret: registerClient(gatewayClientId, undefined) }

  const recorded: OidcProviderError[] = []
  const hits = { jwks: 0, discovery: 0, introspection: 0 }
  let jwksFailing = false
  let introspectionFailure: false | 'error' | { delayMs: number } = false

  function createProvider(issuer: string, keys: readonly [JWK, ...JWK[]]): Provider {
    const provider = new Provider(issuer, {
      adapter,
      routes,
      jwks: { keys },
      // The default RS256 would make every client invalid when the only key is an EC one.
      clientDefaults: { id_token_signed_response_alg: algorithm },
      // Exact expiry, so a token with a 1 s TTL is inactive 1 s later rather than 16 s later.
      clockTolerance: 0,
      ttl: { ClientCredentials: accessTokenTtlSeconds },
      // No CORS: only servers call this one. Configured so the default never prints its notice.
      clientBasedCORS: () => false,
      extraTokenClaims: async (ctx: ProviderContext) => {
        const claims = ctx.get(claimsHeader)
        return claims === '' ? undefined : JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'))
      },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        // Any authenticated client may introspect or revoke any token: the gateway does both for tokens issued
        // to other clients, which the default revocation policy forbids (and both defaults print a notice).
        introspection: { enabled: true, allowedPolicy: async () => true },
        revocation: { enabled: true, allowedPolicy: async () => true },
        resourceIndicators: {
          enabled: true,
          // The format is chosen per client because without a resource indicator oidc-provider keeps only
          // the OpenID scopes and sets no `aud`, and a second resource would give another `aud`: this way
          // opaque tokens carry the API's scopes and audience, as JWT ones do.
          getResourceServerInfo: async (ctx: ProviderContext, resource: string, client: { clientId: string }) => {
            if (resource !== audience) throw new oauthErrors.InvalidTarget(`unknown resource ${resource}`)
            return {
              // The API accepts every scope a client asks for.
              scope: typeof ctx.oidc.params.scope === 'string' ? ctx.oidc.params.scope : '',
              audience,
              accessTokenFormat: clients.get(client.clientId)?.format ?? 'opaque',
              jwt: { sign: { alg: algorithm, kid: keys[0].kid } },
            }
          },
        },
      },
    })
    // Koa logs errors to the console unless 'error' has a listener; oidc-provider's events never print.
    provider.on('error', (error) => recorded.push({ event: 'error', error }))
    for (const event of recordedEvents) provider.on(event, (_ctx, error) => recorded.push({ event, error }))
    return provider
  }

  // The issuer holds the port, so the server listens before the provider exists; requests go to whichever
  // provider is current, which is what lets rotateKeys keep the issuer.
  let handler: http.RequestListener | undefined
  const server = await listen(async (req, res) => {
    const path = req.url?.split('?')[0]
    if (path === routes.jwks) {
      hits.jwks += 1
      if (jwksFailing) return unavailable(res)
    } else if (path !== undefined && discoveryPaths.has(path)) {
      hits.discovery += 1
    } else if (path === routes.introspection) {
      hits.introspection += 1
      if (introspectionFailure === 'error') return unavailable(res)
      if (introspectionFailure !== false && !(await waitUnlessClosed(res, introspectionFailure.delayMs))) return
    }
    handler?.(req, res)
  })

  const issuer = server.url
  let keys: [JWK, ...JWK[]] = [await createSigningKey(algorithm)]
  handler = createProvider(issuer, keys).callback()

  async function issue(clientId: string, format: TokenFormat, scope?: string, claims?: Record<string, unknown>) {
    const secret = registerClient(clientId, format)
    const body = new URLSearchParams({ grant_type: 'client_credentials', resource: audience })
    if (scope !== undefined) body.set('scope', scope)
    const headers: Record<string, string> = { authorization: basicAuth(clientId, secret) }
    if (claims !== undefined) headers[claimsHeader] = Buffer.from(JSON.stringify(claims)).toString('base64url')
    const response = await fetch(`${issuer}${routes.token}`, { method: 'POST', headers, body })
    const { access_token: token } = await readJson(response, 'token request')
    if (typeof token !== 'string') throw new Error('token response without access_token')
    return token
  }

  return {
    issuer,
    jwksUri: `${issuer}${routes.jwks}`,
    introspectionEndpoint: `${issuer}${routes.introspection}`,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    audience,
    gatewayClient,
    jwtAccessToken: ({ scope, clientId = defaultJwtClientId, claims } = {}) => issue(clientId, 'jwt', scope, claims),
    opaqueAccessToken: ({ scope, claims } = {}) => issue(opaqueClientId, 'opaque', scope, claims),
    async revoke(token) {
      const response = await fetch(`${issuer}${routes.revocation}`, {
        method: 'POST',
        headers: { authorization: basicAuth(gatewayClient.clientId, gatewayClient.clientSecret) },
        body: new URLSearchParams({ token }),
      })
      await readJson(response, 'revocation')
    },
    async rotateKeys({ keepOld = false } = {}) {
      const key = await createSigningKey(algorithm)
      keys = keepOld ? [key, ...keys] : [key]
      handler = createProvider(issuer, keys).callback()
    },
    get hits() {
      return { ...hits }
    },
    errors: recorded,
    failJwks(fail) {
      jwksFailing = fail
    },
    failIntrospection(mode) {
      introspectionFailure = mode
    },
    close: () => server.close(),
  }
}
