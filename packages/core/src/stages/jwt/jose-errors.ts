import { errors } from 'jose'
import { GatewayError } from '../../errors/gateway-error'
import { bearerChallenge } from '../auth/challenge'
import { KeySetUnavailableError } from './remote-key-set'

type TokenRefusal =
  | 'auth.token_invalid'
  | 'auth.token_expired'
  | 'auth.token_not_yet_valid'
  | 'auth.token_claims_invalid'

/** A refused bearer token: 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3.1). */
export function tokenRefused(
  code: TokenRefusal | 'auth.token_inactive',
  detail: string,
  realm: string,
  cause?: unknown,
): GatewayError {
  return new GatewayError(code, {
    detail,
    headers: { 'www-authenticate': bearerChallenge(realm, { code: 'invalid_token', description: detail }) },
    cause,
  })
}

/** A bearer credential that is not valid RFC 6750 syntax: 400 `invalid_request` (§3.1). */
export function bearerMalformed(realm: string): GatewayError {
  const detail = 'The Authorization header is not "Bearer <token>".'
  return new GatewayError('auth.credentials_malformed', {
    detail,
    headers: { 'www-authenticate': bearerChallenge(realm, { code: 'invalid_request', description: detail }) },
  })
}

/** What went wrong with a token, from jose's error, for the denial and its challenge. */
export function tokenError(error: unknown, realm: string): GatewayError {
  if (error instanceof GatewayError) return error
  if (error instanceof KeySetUnavailableError) {
    return new GatewayError('auth.jwks_unavailable', {
      detail: 'The keys to verify the token cannot be fetched right now.',
      headers: { 'retry-after': '5' },
      cause: error,
    })
  }
  if (error instanceof errors.JWTExpired)
    return tokenRefused('auth.token_expired', 'The token has expired.', realm, error)
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf')
      return tokenRefused('auth.token_not_yet_valid', 'The token is not valid yet.', realm, error)
    const detail =
      error.reason === 'missing'
        ? `The token has no "${error.claim}" claim.`
        : `The token's "${error.claim}" claim is not accepted.`
    return tokenRefused('auth.token_claims_invalid', detail, realm, error)
  }
  return tokenRefused(
    'auth.token_invalid',
    'The token is malformed, or its signature or algorithm is not accepted.',
    realm,
    error,
  )
}
