import { createEngine, type Engine, type GatewayConfig, hashApiKey } from '@portcullis/core'
import { redisStore } from '@portcullis/redis'
import type { AdapterFixture } from '../src/adapters/fixture'
import { sharedRedisUrl } from './limit-http'

/** Several gateway instances of one adapter sharing one Redis prefix. */
export interface Fleet {
  readonly urls: readonly string[]
  readonly engines: readonly Engine[]
  /** Stops every instance and closes its Redis client (idempotent). */
  close(): Promise<void>
}

/**
 * Starts `size` instances, each with a Redis client of its own (as separate processes would have)
 * on the same prefix. The deadline is generous on purpose: under a burst a command missing the
 * 250 ms default would let its request through uncounted (the `open` policy) and look like an
 * overshoot; the outage tests check the deadline instead.
 */
export async function startFleet(
  adapter: AdapterFixture,
  config: GatewayConfig,
  prefix: string,
  size = 2,
): Promise<Fleet> {
  const closers: Array<() => Promise<void>> = []
  const urls: string[] = []
  const engines: Engine[] = []
  let closed: Promise<void> | undefined
  const close = () => {
    closed ??= (async () => {
      for (const closeOne of closers) await closeOne()
    })()
    return closed
  }
  try {
    for (let i = 0; i < size; i++) {
      const store = redisStore({ url: sharedRedisUrl, prefix, commandTimeoutMs: 2000 })
      // The engine does not close a store it was given: the fleet does.
      closers.push(() => store.close())
      const running = await adapter.start({ ...config, store })
      closers.unshift(() => running.close())
      urls.push(running.url)
      engines.push(running.engine)
    }
  } catch (error) {
    await close()
    throw error
  }
  return { urls, engines, close }
}

/** The one API key of the quota tests, and who it belongs to. */
export const apiKey = 'pk_fleet_quota_7Hs2kQ'
export const consumer = 'acme'

/** Authentication on every route with {@link apiKey}, and one monthly quota of `limit` per consumer. */
export async function quotaConfig(limit: number): Promise<GatewayConfig> {
  return {
    auth: { apiKeys: { keys: [{ id: 'fleet', hash: await hashApiKey(apiKey), consumer, groups: [] }] } },
    quotas: [{ name: 'monthly', limit, period: 'month' }],
  }
}

/**
 * Deletes the consumer's quota counts under `prefix`, through an engine of its own so it works
 * whatever state the test left its gateways in: a count lives for a month on the shared Redis.
 */
export async function forgetQuota(config: GatewayConfig, prefix: string): Promise<void> {
  const store = redisStore({ url: sharedRedisUrl, prefix, commandTimeoutMs: 2000 })
  const engine = createEngine({ ...config, store })
  try {
    await engine.limits.resetQuota(consumer)
  } finally {
    await engine.close()
    await store.close()
  }
}
