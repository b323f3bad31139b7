import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { Clock } from '../../engine/clock'
import type { Principal } from '../../engine/principal'
import type { GatewayRequest } from '../../request/gateway-request'
import type { AuthMethod, AuthResult } from '../auth/auth-method'
import { bearerChallenge } from '../auth/challenge'
import { mapClaims } from '../auth/claim-mapping'
import { findBearerToken } from '../auth/credential-location'
import { bearerMalformed, tokenError, tokenRefused } from './jose-errors'
import type { JwtIssuer } from './jwt-issuer'
import type { VerifiedTokenCache } from './verified-token-cache'

/** Options of {@link jwtMethod}. */
export interface JwtMethodOptions {
  readonly issuers: readonly JwtIssuer[]
  readonly locations: readonly ({ readonly header: string } | { readonly cookie: string })[]
  /** Verified tokens until they expire; none to verify every time. */
  readonly cache: VerifiedTokenCache | undefined
  /**
   * Whether every bearer token is this method's; false when introspection is configured too, which
   * then takes the tokens that are not JWT-shaped.
   */
  readonly takesOpaqueTokens: boolean
  readonly realm: string
  readonly clock: Clock
}

const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

/** Whether a bearer token looks like a JWS compact JWT (as opposed to an opaque token). */
export const looksLikeJwt = (token: string): boolean => jwtShape.test(token)

// Header parameters that name a key source inside the token itself: never trusted, so refused.
const selfKeyedHeaders = ['jku', 'jwk', 'x5u'] as const

const stringClaim = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

/** JWT bearer tokens, verified with jose against the configured issuers. */
export function jwtMethod(options: JwtMethodOptions): AuthMethod {
  const { issuers, locations, clock, realm, cache } = options
  const refuse = (code: Parameters<typeof tokenRefused>[0], detail: string): AuthResult => ({
    ok: false,
    error: tokenRefused(code, detail, realm),
  })
  const issuerFor = (iss: unknown): JwtIssuer | undefined =>
    issuers.length === 1 && issuers[0]?.options.issuer === undefined
      ? issuers[0]
      : issuers.find((candidate) => candidate.options.issuer === iss)

  // present() then authenticate() read the same request: the token is found (a regular expression
  // over the whole header) once per request.
  const foundTokens = new WeakMap<GatewayRequest, ReturnType<typeof findBearerToken> | null>()
  const bearerToken = (request: GatewayRequest) => {
    const known = foundTokens.get(request)
    if (known !== undefined) return known ?? undefined
    const found = findBearerToken(request, locations)
    foundTokens.set(request, found ?? null)
    return found
  }

  return {
    name: 'jwt',
    challenge: bearerChallenge(realm),
    present(ctx) {
      const found = bearerToken(ctx.request)
      if (found === undefined) return false
      return found === 'malformed' || options.takesOpaqueTokens || looksLikeJwt(found.value)
    },
    async authenticate(ctx) {
      const found = bearerToken(ctx.request)
      if (found === undefined) return refuse('auth.token_invalid', 'No bearer token was sent.')
      if (found === 'malformed') return { ok: false, error: bearerMalformed(realm) }
      const token = found.value
      const cached = cache?.get(token)
      if (cached !== undefined) return { ok: true, principal: cached }
      const generation = cache?.generation ?? 0
      let header: ReturnType<typeof decodeProtectedHeader>
      let unverified: ReturnType<typeof decodeJwt>
      try {
        header = decodeProtectedHeader(token)
        unverified = decodeJwt(token)
      } catch (error) {
        return { ok: false, error: tokenError(error, realm) }
      }
      if (selfKeyedHeaders.some((name) => name in header)) {
        return refuse(
          'auth.token_invalid',
          'The token names its own key (jku, jwk or x5u); keys come only from the configuration.',
        )
      }
      const issuer = issuerFor(unverified.iss)
      if (issuer === undefined) return refuse('auth.token_claims_invalid', 'The token\'s "iss" claim is not accepted.')
      let payload: Awaited<ReturnType<JwtIssuer['verify']>>
      try {
        payload = await issuer.verify(token, clock.now())
      } catch (error) {
        return { ok: false, error: tokenError(error, realm) }
      }
      const identity = mapClaims(payload, issuer.options.claims)
      const consumer = identity.consumer ?? stringClaim(payload.client_id) ?? stringClaim(payload.azp)
      if (consumer === undefined)
        return refuse('auth.token_claims_invalid', 'The token names no subject (sub, client_id or azp).')
      const principal: Principal = {
        consumer,
        groups: identity.groups,
        scopes: identity.scopes,
        claims: payload,
        credential: 'jwt',
      }
      cache?.set(token, principal, (payload.exp as number) * 1000 - clock.now(), generation)
      return { ok: true, principal }
    },
    close: () => {
      for (const issuer of issuers) issuer.close()
    },
  }
}
