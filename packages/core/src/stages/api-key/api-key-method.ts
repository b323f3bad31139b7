import { constantTimeEqual, sha256Hex } from '../../crypto/sha256'
import type { Clock } from '../../engine/clock'
import { GatewayError } from '../../errors/gateway-error'
import type { AuthMethod, AuthResult } from '../auth/auth-method'
import { challenge } from '../auth/challenge'
import { type CredentialLocation, findCredential, stripCredential } from '../auth/credential-location'
import type { ApiKeyLookup } from './api-key-lookup'

/** Options of {@link apiKeyMethod}. */
export interface ApiKeyMethodOptions {
  readonly locations: readonly CredentialLocation[]
  readonly lookup: ApiKeyLookup
  /** Remove the key from the request that goes on. */
  readonly strip: boolean
  readonly realm: string
  readonly clock: Clock
}

/** API keys: read from the configured places, looked up by hash, compared in constant time. */
export function apiKeyMethod(options: ApiKeyMethodOptions): AuthMethod {
  const { locations, lookup, strip, clock } = options
  const invalid = (code: 'auth.api_key_invalid' | 'auth.api_key_expired', detail: string): AuthResult => ({
    ok: false,
    error: new GatewayError(code, { detail, headers: { 'www-authenticate': ownChallenge } }),
  })
  const ownChallenge = challenge('ApiKey', { realm: options.realm })
  return {
    name: 'apiKeys',
    challenge: ownChallenge,
    present: (ctx) => findCredential(ctx.request, locations) !== undefined,
    async authenticate(ctx) {
      const found = findCredential(ctx.request, locations)
      if (found === undefined) return invalid('auth.api_key_invalid', 'No API key was sent.')
      const hash = `sha256:${await sha256Hex(found.value)}`
      let record: Awaited<ReturnType<ApiKeyLookup['find']>>
      try {
        record = await lookup.find(hash)
      } catch (cause) {
        return {
          ok: false,
          error: new GatewayError('auth.key_source_unavailable', {
            detail: 'API keys cannot be checked right now.',
            headers: { 'retry-after': '5' },
            cause,
          }),
        }
      }
      // The lookup is by hash; comparing the stored hash again in constant time costs nothing and
      // keeps a source that matches loosely (a prefix index, say) from letting a wrong key through.
      if (record === undefined || !constantTimeEqual(record.hash, hash))
        return invalid('auth.api_key_invalid', 'The API key is not known.')
      if (record.expiresAt !== undefined && new Date(record.expiresAt).getTime() <= clock.now()) {
        return invalid('auth.api_key_expired', 'The API key has expired.')
      }
      if (strip) stripCredential(ctx.onward, found.location)
      return {
        ok: true,
        principal: {
          consumer: record.consumer,
          groups: record.groups ?? [],
          scopes: record.scopes ?? [],
          claims: { keyId: record.id },
          credential: 'api-key',
        },
      }
    },
  }
}
