/**
 * The micro benchmark of rate limits and quotas: `engine.handle()` per request with no limit, then a
 * fixed-window and a sliding-window rate limit and a monthly quota, each on the memory store and on
 * the Redis at 127.0.0.1:6379 (one round trip per decision). Limits are set high enough that every
 * request passes, so each case measures counting, not refusing. Prints a Markdown table.
 * Usage: `pnpm bench:limits` (it builds the packages first and runs the built ones).
 */
import { randomUUID } from 'node:crypto'
import { createEngine, type GatewayConfig, hashApiKey, type Store } from '@portcullis/node'
import { redisStore } from '@portcullis/redis'
import { continues, type MicroCase, type MicroSubject, runMicroBench } from '../lib/micro-bench'
import { rawRequest } from '../lib/raw-request'

const apiKey = 'pk_bench_limits_0123456789abcdef'
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const plenty = 1_000_000_000

const fixed: GatewayConfig['rateLimits'] = [{ by: 'ip', limit: plenty, window: '1h' }]
const sliding: GatewayConfig['rateLimits'] = [{ by: 'ip', limit: plenty, window: '1s', algorithm: 'sliding' }]
const quota = async (): Promise<GatewayConfig> => ({
  auth: { apiKeys: { keys: [{ id: 'b', hash: await hashApiKey(apiKey), consumer: 'bench' }] } },
  quotas: [{ limit: plenty, period: 'month' }],
})

/** A case on the memory store (`undefined`) or on a fresh Redis key prefix. */
const subject =
  (config: () => GatewayConfig | Promise<GatewayConfig>, onRedis: boolean) => async (): Promise<MicroSubject> => {
    const store: Store | undefined = onRedis
      ? redisStore({ url: redisUrl, prefix: `bench:${randomUUID()}:`, commandTimeoutMs: 1000 })
      : undefined
    const engine = createEngine({ ...(await config()), ...(store === undefined ? {} : { store }) })
    const headers = { 'x-api-key': apiKey }
    return {
      engine,
      handle: () => engine.handle(rawRequest('GET', '/rooms/7', headers)),
      close: () => store?.close() ?? Promise.resolve(),
    }
  }

const cases: MicroCase[] = [
  { name: 'no limits', setup: subject(() => ({}), false), expect: continues },
  { name: 'fixed window, memory', setup: subject(() => ({ rateLimits: fixed }), false), expect: continues },
  { name: 'sliding window, memory', setup: subject(() => ({ rateLimits: sliding }), false), expect: continues },
  { name: 'API key, no quota', setup: subject(async () => ({ auth: (await quota()).auth }), false), expect: continues },
  { name: 'API key + monthly quota, memory', setup: subject(quota, false), expect: continues },
  { name: 'fixed window, Redis', setup: subject(() => ({ rateLimits: fixed }), true), expect: continues },
  { name: 'sliding window, Redis', setup: subject(() => ({ rateLimits: sliding }), true), expect: continues },
  { name: 'API key + monthly quota, Redis', setup: subject(quota, true), expect: continues },
]

await runMicroBench('Rate limit and quota cost', cases)
