import { parseDuration } from '../../config/duration'
import type { GatewayConfig } from '../../config/schema'
import type { AuthMethod } from '../auth/auth-method'
import type { CredentialLocation } from '../auth/credential-location'
import type { BuildContext } from '../build-context'
import { ApiKeyLookup } from './api-key-lookup'
import { apiKeyMethod } from './api-key-method'

type ApiKeysConfig = NonNullable<NonNullable<GatewayConfig['auth']>['apiKeys']>

/** Builds the API-key method from `auth.apiKeys`. */
export function buildApiKeys(config: ApiKeysConfig, realm: string, build: BuildContext): AuthMethod {
  const path = 'auth.apiKeys'
  const keys = config.keys ?? []
  if (keys.length === 0 && config.source === undefined) build.problem(path, 'needs keys or a source')
  const seenIds = new Set<string>()
  const seenHashes = new Set<string>()
  keys.forEach((key, index) => {
    if (seenIds.has(key.id)) build.problem(`${path}.keys[${index}].id`, 'is used by an earlier key')
    if (seenHashes.has(key.hash)) build.problem(`${path}.keys[${index}].hash`, 'is the hash of an earlier key')
    seenIds.add(key.id)
    seenHashes.add(key.hash)
  })
  const cache = config.cache ?? {}
  const lookup = new ApiKeyLookup(
    keys,
    config.source,
    {
      maxEntries: cache.maxEntries ?? 10_000,
      ttlMs: parseDuration(cache.ttl ?? '60s') as number,
      negativeTtlMs: parseDuration(cache.negativeTtl ?? '10s') as number,
    },
    build.clock,
  )
  return apiKeyMethod({
    locations: (config.in ?? [{ header: 'x-api-key' }]) as CredentialLocation[],
    lookup,
    strip: config.strip ?? true,
    realm,
    clock: build.clock,
  })
}
