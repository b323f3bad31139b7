import type { Clock } from '../../engine/clock'
import { GatewayError } from '../../errors/gateway-error'
import type { AuthMethod, AuthResult } from '../auth/auth-method'
import { bearerChallenge } from '../auth/challenge'
import { type ClaimMapping, mapClaims } from '../auth/claim-mapping'
import { findBearerToken } from '../auth/credential-location'
import { bearerMalformed, tokenRefused } from '../jwt/jose-errors'
import { looksLikeJwt } from '../jwt/jwt-method'
import { type IntrospectionClient, IntrospectionUnavailableError } from './introspection-client'

/** Options of {@link introspectionMethod}. */
export interface IntrospectionMethodOptions {
  readonly client: IntrospectionClient
  readonly locations: readonly ({ readonly header: string } | { readonly cookie: string })[]
  /** Audiences the token must be for (checked in the introspection answer's `aud`). */
  readonly audience: readonly string[] | undefined
  readonly claims: ClaimMapping
  /** When JWT verification is configured too, it takes JWT-shaped tokens and this takes the rest. */
  readonly onlyOpaqueTokens: boolean
  readonly realm: string
  readonly clock: Clock
}

/** Opaque bearer tokens, checked by OAuth 2.0 token introspection (RFC 7662). */
export function introspectionMethod(options: IntrospectionMethodOptions): AuthMethod {
  const { client, locations, realm, clock } = options
  const refuse = (
    code: 'auth.token_inactive' | 'auth.token_expired' | 'auth.token_claims_invalid',
    detail: string,
  ): AuthResult => ({
    ok: false,
    error: tokenRefused(code, detail, realm),
  })
  return {
    name: 'introspection',
    challenge: bearerChallenge(realm),
    present(ctx) {
      const found = findBearerToken(ctx.request, locations)
      if (found === 'malformed') return !options.onlyOpaqueTokens
      return found !== undefined && (!options.onlyOpaqueTokens || !looksLikeJwt(found.value))
    },
    async authenticate(ctx) {
      const found = findBearerToken(ctx.request, locations)
      if (found === undefined || found === 'malformed') return { ok: false, error: bearerMalformed(realm) }
      let result: Awaited<ReturnType<IntrospectionClient['introspect']>>
      try {
        result = await client.introspect(found.value)
      } catch (error) {
        const detail =
          error instanceof IntrospectionUnavailableError
            ? 'The token cannot be checked right now.'
            : 'The token check failed.'
        return {
          ok: false,
          error: new GatewayError('auth.introspection_unavailable', {
            detail,
            headers: { 'retry-after': '5' },
            cause: error,
          }),
        }
      }
      if (!result.active) return refuse('auth.token_inactive', 'The token is not active (expired, revoked or unknown).')
      const { claims } = result
      // The server decides activity; these checks guard against a cache or a lax server.
      if (typeof claims.exp === 'number' && claims.exp * 1000 <= clock.now())
        return refuse('auth.token_expired', 'The token has expired.')
      if (options.audience !== undefined) {
        const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
        if (!audiences.some((audience) => options.audience?.includes(audience as string))) {
          return refuse('auth.token_claims_invalid', 'The token\'s "aud" claim is not accepted.')
        }
      }
      const identity = mapClaims(claims, options.claims)
      const consumer =
        identity.consumer ??
        (typeof claims.username === 'string' ? claims.username : undefined) ??
        (typeof claims.client_id === 'string' ? claims.client_id : undefined)
      if (consumer === undefined)
        return refuse('auth.token_claims_invalid', 'The token names no subject (sub, username or client_id).')
      return {
        ok: true,
        principal: { consumer, groups: identity.groups, scopes: identity.scopes, claims, credential: 'introspection' },
      }
    },
  }
}
