import { describe, expect, it } from 'vitest'
import {
  type Clock,
  createEngine,
  type GatewayConfig,
  hashApiKey,
  type LimitFallbackEvent,
  MemoryStore,
  type Outcome,
  type Store,
} from '../src/index'
import { rawRequest } from './raw-request'

/** A store that works until it is told to fail, counting the calls that reached it. */
class SwitchableStore extends MemoryStore implements Store {
  readonly shared = true
  down = false
  calls = 0

  #guard(): void {
    this.calls++
    if (this.down) throw new Error('store down')
  }

  override async increment(key: string, by: number, ttlMs: number) {
    this.#guard()
    return super.increment(key, by, ttlMs)
  }

  // The counting stages call this one when a store has it: it must fail when the store is down too.
  override incrementNow(key: string, by: number, ttlMs: number) {
    this.#guard()
    return super.incrementNow(key, by, ttlMs)
  }

  override async slidingWindowHit(key: string, limit: number, windowMs: number, now: number) {
    this.#guard()
    return super.slidingWindowHit(key, limit, windowMs, now)
  }
}

function setup(config: (store: Store) => GatewayConfig) {
  let now = Date.UTC(2026, 10, 28, 12)
  const clock: Clock = { now: () => now }
  const store = new SwitchableStore({ clock })
  const engine = createEngine({ clock, store, ...config(store) })
  const events: LimitFallbackEvent[] = []
  engine.events.on('limit.store_fallback', (event) => events.push(event))
  return { engine, store, events, advance: (ms: number) => (now += ms) }
}

const statusOf = (outcome: Outcome) => (outcome.kind === 'respond' ? outcome.response.status : 200)
const send = async (engine: ReturnType<typeof createEngine>, count: number) => {
  const statuses: number[] = []
  for (let i = 0; i < count; i++) statuses.push(statusOf(await engine.handle(rawRequest({}))))
  return statuses
}

describe('store outages', () => {
  it('open (the rate-limit default): passes uncounted, without RateLimit headers, and counts the bypass', async () => {
    const { engine, store, events } = setup(() => ({ rateLimits: [{ name: 'r', by: 'ip', limit: 1, window: '1m' }] }))
    store.down = true
    const outcome = await engine.handle(rawRequest({}))
    expect(outcome.kind).toBe('continue')
    expect(outcome.kind === 'continue' && outcome.responseHeaders.some(([name]) => name === 'ratelimit')).toBe(false)
    expect(await send(engine, 3)).toEqual([200, 200, 200])
    expect(engine.limits.fallbackCounts().rateLimits).toEqual({ open: 4, closed: 0, local: 0 })
    expect(events.map(({ section, rule, policy }) => [section, rule, policy])).toContainEqual([
      'rateLimits',
      'r',
      'open',
    ])
    expect(events[0]?.cause).toBeInstanceOf(Error)
  })

  it('closed: 503 with Retry-After, never 429', async () => {
    const { engine, store } = setup(() => ({
      rateLimits: { outageCooldown: '7s', rules: [{ by: 'ip', limit: 1, window: '1m', onStoreError: 'closed' }] },
    }))
    store.down = true
    const refused = await engine.handle(rawRequest({}))
    expect(refused.kind === 'respond' && refused.response.status).toBe(503)
    expect(refused.kind === 'respond' && refused.response.headers.get('retry-after')).toBe('7')
    expect(refused.kind === 'respond' && (await refused.response.json()).code).toBe('limit.store_unavailable')
  })

  it('local: counts in process against the fleet limit divided by the instances', async () => {
    const { engine, store } = setup(() => ({
      rateLimits: { instances: 3, rules: [{ by: 'ip', limit: 10, window: '1m', onStoreError: 'local' }] },
    }))
    store.down = true
    const first = await engine.handle(rawRequest({}))
    const headers = new Headers(first.kind === 'continue' ? (first.responseHeaders as [string, string][]) : [])
    expect(headers.get('ratelimit-policy')).toBe('"rate-0";q=4;w=60')
    expect(headers.get('ratelimit')).toBe('"rate-0";r=3;t=60')
    expect(await send(engine, 4)).toEqual([200, 200, 200, 429])
    expect(engine.limits.fallbackCounts().rateLimits.local).toBe(5)
  })

  it('asks a dead store once per cooldown, not on every request, and resumes when it is back', async () => {
    const { engine, store, advance } = setup(() => ({
      rateLimits: { outageCooldown: '5s', rules: [{ by: 'ip', limit: 3, window: '1m' }] },
    }))
    store.down = true
    await send(engine, 10)
    expect(store.calls).toBe(1)
    advance(5_000)
    await send(engine, 10)
    expect(store.calls).toBe(2)
    store.down = false
    advance(5_000)
    expect(await send(engine, 4)).toEqual([200, 200, 200, 429])
    expect(store.calls).toBe(6)
  })

  it('quotas default to closed; open lets the consumer through uncounted', async () => {
    const keys = { keys: [{ id: 'k', hash: await hashApiKey('pk_q'), consumer: 'acme' }] }
    for (const [onStoreError, status] of [
      [undefined, 503],
      ['open', 200],
    ] as const) {
      const { engine, store } = setup(() => ({
        auth: { apiKeys: keys },
        quotas: [{ limit: 100, period: 'month', ...(onStoreError === undefined ? {} : { onStoreError }) }],
      }))
      store.down = true
      expect(statusOf(await engine.handle(rawRequest({ headers: { 'x-api-key': 'pk_q' } })))).toBe(status)
      expect(engine.limits.fallbackCounts().quotas[onStoreError ?? 'closed']).toBe(1)
    }
  })

  it('keeps refusing an over-limit key in memory on a shared store, sparing the store', async () => {
    const { engine, store } = setup(() => ({ rateLimits: [{ by: 'ip', limit: 2, window: '1m' }] }))
    expect(await send(engine, 3)).toEqual([200, 200, 429])
    const before = store.calls
    expect(await send(engine, 20)).toEqual(Array(20).fill(429))
    expect(store.calls).toBe(before)
  })
})

describe('store: { redis } without @portcullis/redis', () => {
  it('is a start-up ConfigError that says what to install', async () => {
    const { ConfigError } = await import('../src/index')
    const build = () => createEngine({ store: { redis: { url: 'redis://127.0.0.1:6379' } } })
    expect(build).toThrow(ConfigError)
    expect(build).toThrow(/store\.redis: needs @portcullis\/redis/)
  })
})

describe('a store of your own', () => {
  it('is refused at start-up for a sliding window when it cannot keep a sliding-window log', async () => {
    const { ConfigError } = await import('../src/index')
    const memory = new MemoryStore()
    const withoutLogs = {
      get: (key: string) => memory.get(key),
      set: (key: string, value: string, ttlMs?: number) => memory.set(key, value, ttlMs),
      delete: (key: string) => memory.delete(key),
      increment: (key: string, by: number, ttlMs: number) => memory.increment(key, by, ttlMs),
      close: () => memory.close(),
    } as unknown as Store
    const build = () =>
      createEngine({ store: withoutLogs, rateLimits: [{ by: 'ip', limit: 1, window: '1m', algorithm: 'sliding' }] })
    expect(build).toThrow(ConfigError)
    expect(build).toThrow(/rateLimits\[0\]\.algorithm: needs a store with slidingWindowHit/)
    expect(() => createEngine({ store: withoutLogs, rateLimits: [{ by: 'ip', limit: 1, window: '1m' }] })).not.toThrow()
  })
})
