import { decodeJwt, decodeProtectedHeader } from 'jose'
import { LRUCache } from 'lru-cache'
import type { Clock } from '../../engine/clock'
import type { Principal } from '../../engine/principal'
import { GatewayError } from '../../errors/gateway-error'
import type { AuthMethod, AuthResult } from '../auth/auth-method'
import { challenge } from '../auth/challenge'
import { mapClaims } from '../auth/claim-mapping'
import { findBearerToken } from '../auth/credential-location'
import { tokenError } from './jose-errors'
import type { JwtIssuer } from './jwt-issuer'

/** Options of {@link jwtMethod}. */
export interface JwtMethodOptions {
  readonly issuers: readonly JwtIssuer[]
  readonly locations: readonly ({ readonly header: string } | { readonly cookie: string })[]
  /** Verified tokens kept until they expire; 0 turns the cache off. */
  readonly cacheMaxEntries: number
  readonly realm: string
  readonly clock: Clock
}

const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

/** Whether a bearer token looks like a JWS compact JWT (as opposed to an opaque token). */
export const looksLikeJwt = (token: string): boolean => jwtShape.test(token)

// Header parameters that name a key source inside the token itself: never trusted, so refused.
const selfKeyedHeaders = ['jku', 'jwk', 'x5u'] as const

/** The bearer-token cache: verified tokens, until their `exp`, forgotten when an issuer's keys change. */
export type VerifiedTokenCache = LRUCache<string, Principal>

/** Creates the verified-token cache, or none when `maxEntries` is 0. */
export function verifiedTokenCache(maxEntries: number, clock: Clock): VerifiedTokenCache | undefined {
  return maxEntries === 0
    ? undefined
    : new LRUCache({ max: maxEntries, perf: { now: () => clock.now() }, ttlResolution: 0 })
}

/** JWT bearer tokens, verified with jose against the configured issuers. */
export function jwtMethod(options: JwtMethodOptions, cache: VerifiedTokenCache | undefined): AuthMethod {
  const { issuers, locations, clock, realm } = options
  const bearerChallenge = (description?: string) =>
    challenge('Bearer', {
      realm,
      error: description === undefined ? undefined : 'invalid_token',
      error_description: description,
    })
  const fail = (error: unknown): AuthResult => ({ ok: false, error: tokenError(error, bearerChallenge) })
  const invalid = (detail: string): AuthResult =>
    fail(new GatewayError('auth.token_invalid', { detail, headers: { 'www-authenticate': bearerChallenge(detail) } }))

  const issuerFor = (iss: unknown): JwtIssuer | undefined =>
    issuers.length === 1 && issuers[0]?.options.issuer === undefined
      ? issuers[0]
      : issuers.find((candidate) => candidate.options.issuer === iss)

  return {
    name: 'jwt',
    challenge: bearerChallenge(),
    present(ctx) {
      const found = findBearerToken(ctx.request, locations)
      return found === 'malformed' || (found !== undefined && looksLikeJwt(found.value))
    },
    async authenticate(ctx) {
      const found = findBearerToken(ctx.request, locations)
      if (found === undefined) return invalid('No bearer token was sent.')
      if (found === 'malformed') {
        const detail = 'The Authorization header is not "Bearer <token>".'
        return fail(
          new GatewayError('auth.credentials_malformed', {
            detail,
            headers: { 'www-authenticate': bearerChallenge(detail) },
          }),
        )
      }
      const token = found.value
      const cached = cache?.get(token)
      if (cached !== undefined) return { ok: true, principal: cached }
      let header: ReturnType<typeof decodeProtectedHeader>
      let unverified: ReturnType<typeof decodeJwt>
      try {
        header = decodeProtectedHeader(token)
        unverified = decodeJwt(token)
      } catch (error) {
        return fail(error)
      }
      if (selfKeyedHeaders.some((name) => name in header)) {
        return invalid('The token names its own key (jku, jwk or x5u); keys come only from the configuration.')
      }
      const issuer = issuerFor(unverified.iss)
      if (issuer === undefined) {
        const detail = 'The token\'s "iss" claim is not accepted.'
        return fail(
          new GatewayError('auth.token_claims_invalid', {
            detail,
            headers: { 'www-authenticate': bearerChallenge(detail) },
          }),
        )
      }
      let payload: Awaited<ReturnType<JwtIssuer['verify']>>
      try {
        payload = await issuer.verify(token, clock.now())
      } catch (error) {
        return fail(error)
      }
      const identity = mapClaims(payload, issuer.options.claims)
      const consumer = identity.consumer ?? stringClaim(payload.client_id) ?? stringClaim(payload.azp)
      if (consumer === undefined) {
        const detail = 'The token names no subject (sub, client_id or azp).'
        return fail(
          new GatewayError('auth.token_claims_invalid', {
            detail,
            headers: { 'www-authenticate': bearerChallenge(detail) },
          }),
        )
      }
      const principal: Principal = {
        consumer,
        groups: identity.groups,
        scopes: identity.scopes,
        claims: payload,
        credential: 'jwt',
      }
      const remainingMs = (payload.exp as number) * 1000 - clock.now()
      if (cache !== undefined && remainingMs > 0) cache.set(token, principal, { ttl: remainingMs })
      return { ok: true, principal }
    },
    close: () => {
      for (const issuer of issuers) issuer.close()
    },
  }
}

const stringClaim = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined
