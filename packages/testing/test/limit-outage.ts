import type { Engine, GatewayConfig, LimitFallbackEvent } from '@portcullis/core'
import { redisStore } from '@portcullis/redis'
import type { AdapterFixture } from '../src/adapters/fixture'
import { killAllRedisServers, type RedisServer, startRedisServer } from '../src/index'
import { uniquePrefix } from './limit-http'

/** The outage tests' timings: a short deadline and cooldown keep the tests quick. */
export const commandTimeoutMs = 200
export const outageCooldown = '1s'

/** A gateway on a private redis-server the test may kill, with what the test observes of it. */
export interface OutageGateway {
  readonly redis: RedisServer
  readonly url: string
  readonly engine: Engine
  /** Every `limit.store_fallback` event so far. */
  readonly events: LimitFallbackEvent[]
  /** How many counter operations reached the store (the breaker's job is to keep this low). */
  storeCalls(): number
}

const cleanups: Array<() => Promise<void> | void> = []

/** Stops every gateway started by {@link outageGateway} and kills every private redis-server. */
export async function stopOutageGateways(): Promise<void> {
  try {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  } finally {
    // Even when a close failed: a redis-server left running would outlive the test run.
    await killAllRedisServers()
  }
}

/**
 * Starts a gateway of `adapter` on `redis` (a fresh private redis-server when omitted) with the
 * short deadline, so the test can kill Redis without touching the shared one on 6379.
 */
export async function outageGateway(
  adapter: AdapterFixture,
  config: GatewayConfig,
  redis?: RedisServer,
): Promise<OutageGateway> {
  const server = redis ?? (await startRedisServer())
  const store = redisStore({ url: server.url, prefix: uniquePrefix(), commandTimeoutMs })
  let calls = 0
  const increment = store.increment.bind(store)
  const slidingWindowHit = store.slidingWindowHit.bind(store)
  store.increment = (...args) => {
    calls++
    return increment(...args)
  }
  store.slidingWindowHit = (...args) => {
    calls++
    return slidingWindowHit(...args)
  }
  cleanups.push(() => store.close())
  const running = await adapter.start({ ...config, store })
  cleanups.push(() => running.close())
  const events: LimitFallbackEvent[] = []
  running.engine.events.on('limit.store_fallback', (event) => events.push(event))
  return { redis: server, url: running.url, engine: running.engine, events, storeCalls: () => calls }
}
