import { parseDuration } from '../../config/duration'
import type { GatewayConfig } from '../../config/schema'
import type { AuthMethod } from '../auth/auth-method'
import type { BuildContext } from '../build-context'
import { IntrospectionClient } from './introspection-client'
import { introspectionMethod } from './introspection-method'

type IntrospectionConfig = NonNullable<NonNullable<GatewayConfig['auth']>['introspection']>

/** Builds the introspection method from `auth.introspection`. */
export function buildIntrospection(
  config: IntrospectionConfig,
  locations: readonly ({ readonly header: string } | { readonly cookie: string })[],
  withJwt: boolean,
  realm: string,
  build: BuildContext,
): AuthMethod {
  const cache = config.cache ?? {}
  const client = new IntrospectionClient({
    url: config.url,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authMethod: config.authMethod ?? 'client_secret_basic',
    timeoutMs: parseDuration(config.timeout ?? '3s') as number,
    cacheTtlMs: parseDuration(cache.ttl ?? '30s') as number,
    inactiveTtlMs: parseDuration(cache.inactiveTtl ?? '10s') as number,
    cacheMaxEntries: cache.maxEntries ?? 10_000,
    clock: build.clock,
  })
  const audience =
    config.audience === undefined
      ? undefined
      : typeof config.audience === 'string'
        ? [config.audience]
        : config.audience
  return introspectionMethod({
    client,
    locations,
    audience,
    claims: config.claims ?? {},
    onlyOpaqueTokens: withJwt,
    realm,
    clock: build.clock,
  })
}
