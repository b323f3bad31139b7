/**
 * The gateway configs the framework servers run with: `minimal` is `gateway({})` (the foundation
 * alone), `full` is everything a production API would turn on, on the memory store or on Redis.
 */
import { randomUUID } from 'node:crypto'
import type { GatewayConfig } from '@portcullis/node'
import { redisStore } from '@portcullis/redis'
import { benchApiKeyHash, benchAudience, benchIssuer, benchJwks, noopSink } from './bench-credentials'
import { usersOpenApi } from './users-openapi'

/** Which gateway a server puts in front of its app. */
export type GatewayProfile = 'minimal' | 'full'
/** Where the full profile keeps its counters. */
export type StoreKind = 'memory' | 'redis'

const plenty = 1_000_000_000

/** A Redis store on a key prefix of its own, so runs never share counters. */
export const redisBenchStore = () =>
  redisStore({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `bench:${randomUUID()}:` })

/** The API key section: one key, stored as its hash. */
export const benchApiKeys = { keys: [{ id: 'bench', hash: benchApiKeyHash, consumer: 'bench-key' }] }

/**
 * Every section on: API keys and ES256 JWTs (the requests carry a JWT), OpenAPI validation of
 * requests, a rate limit and a monthly quota per consumer (never reached), discovery on a tenth of
 * the traffic, an access log line per request to a sink that drops it, and analytics.
 */
export function fullGatewayConfig(store: StoreKind): GatewayConfig {
  return {
    ...(store === 'redis' ? { store: redisBenchStore() } : {}),
    auth: {
      apiKeys: benchApiKeys,
      jwt: { issuer: benchIssuer, audience: benchAudience, algorithms: ['ES256'], jwks: benchJwks() },
    },
    openapi: structuredClone(usersOpenApi) as unknown as Record<string, unknown>,
    validation: { mode: 'block' },
    rateLimits: [{ name: 'per-consumer', by: 'consumer', limit: plenty, window: '1m' }],
    quotas: [{ name: 'monthly', limit: plenty, period: 'month' }],
    discovery: { sampleRate: 0.1 },
    telemetry: { logs: { to: noopSink }, analytics: true },
  }
}

export function gatewayConfig(profile: GatewayProfile, store: StoreKind): GatewayConfig {
  return profile === 'minimal' ? {} : fullGatewayConfig(store)
}
