import { errors } from 'jose'
import { GatewayError } from '../../errors/gateway-error'
import { KeySetUnavailableError } from './remote-key-set'

/** What went wrong with a token, for the denial and the Bearer challenge. */
export function tokenError(error: unknown, bearerChallenge: (description: string) => string): GatewayError {
  if (error instanceof GatewayError) return error
  if (error instanceof KeySetUnavailableError) {
    return new GatewayError('auth.jwks_unavailable', {
      detail: 'The keys to verify the token cannot be fetched right now.',
      headers: { 'retry-after': '5' },
      cause: error,
    })
  }
  const deny = (
    code: 'auth.token_invalid' | 'auth.token_expired' | 'auth.token_not_yet_valid' | 'auth.token_claims_invalid',
    detail: string,
  ) => new GatewayError(code, { detail, headers: { 'www-authenticate': bearerChallenge(detail) }, cause: error })
  if (error instanceof errors.JWTExpired) return deny('auth.token_expired', 'The token has expired.')
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return deny('auth.token_not_yet_valid', 'The token is not valid yet.')
    if (error.reason === 'missing') return deny('auth.token_claims_invalid', `The token has no "${error.claim}" claim.`)
    return deny('auth.token_claims_invalid', `The token's "${error.claim}" claim is not accepted.`)
  }
  return deny('auth.token_invalid', 'The token is malformed, or its signature or algorithm is not accepted.')
}
