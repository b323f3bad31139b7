import { once } from 'node:events'
import { createEngine, type RawRequest } from '@portcullis/core'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RedisStore, redisStore } from '../src/index'
import { type RedisCluster, startRedisCluster } from './redis-cluster'

// A private three-master cluster per file: the shared Redis on 6379 is not a cluster.
let cluster: RedisCluster
let client: Cluster
let store: RedisStore

beforeAll(async () => {
  cluster = await startRedisCluster()
  client = new Cluster(cluster.nodes, { scaleReads: 'master' })
  // Wait for the slot map, so no test's first command pays for the discovery.
  await once(client, 'ready')
  // A generous deadline: these tests check Cluster behaviour, the outage tests check the deadline.
  store = redisStore({ client, prefix: 'test:', commandTimeoutMs: 2000 })
}, 30_000)

afterAll(async () => {
  // The store does not own the app's Cluster client: closing it must leave the client usable.
  await store?.close()
  if (client) {
    expect(await client.ping()).toBe('PONG')
    await client.quit()
  }
  await cluster?.stop()
})

const request = (remoteAddress: string): RawRequest => ({
  method: 'GET',
  target: '/',
  headers: new Headers(),
  remoteAddress,
  tls: undefined,
  raw: undefined,
  body: {
    declaredLength: undefined,
    present: false,
    read: async () => new Uint8Array(),
    stream: async function* () {},
  },
})

describe('RedisStore on a Redis Cluster', () => {
  it('increments keys spread over slots owned by different masters', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `spread:${i}`)
    const results = await Promise.all(keys.map((key) => store.increment(key, 3, 60_000)))
    expect(results.map((r) => r.value)).toEqual(keys.map(() => 3))
    expect(await Promise.all(keys.map((key) => store.get(key)))).toEqual(keys.map(() => '3'))
    // 50 random slots all on one of three masters would mean the keys were not routed by slot.
    const sizes = await Promise.all(client.nodes('master').map((node) => node.dbsize()))
    expect(sizes.filter((size) => size > 0).length).toBeGreaterThanOrEqual(2)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(keys.length)
  })

  it('increments one key atomically: 500 concurrent increments count to 500', async () => {
    const results = await Promise.all(Array.from({ length: 500 }, () => store.increment('hot', 1, 60_000)))
    expect(results.filter((r) => r.value === 1)).toHaveLength(1)
    expect(new Set(results.map((r) => r.value)).size).toBe(500)
    expect(await store.get('hot')).toBe('500')
  })

  it('allows exactly `limit` of 100 concurrent sliding-window hits', async () => {
    const now = Date.now()
    const results = await Promise.all(
      Array.from({ length: 100 }, () => store.slidingWindowHit('window', 10, 60_000, now)),
    )
    expect(results.filter((r) => r.allowed)).toHaveLength(10)
    expect(Math.max(...results.map((r) => r.count))).toBe(10)
  })

  it('gets, sets and deletes', async () => {
    expect(await store.get('plain')).toBeUndefined()
    await store.set('plain', 'v')
    await store.set('expiring', 'w', 60_000)
    expect([await store.get('plain'), await store.get('expiring')]).toEqual(['v', 'w'])
    expect(await client.pttl('test:expiring')).toBeGreaterThan(0)
    await Promise.all([store.delete('plain'), store.delete('expiring'), store.delete('missing')])
    expect([await store.get('plain'), await store.get('expiring')]).toEqual([undefined, undefined])
  })

  it('rate-limits through an engine: 5 of 20 requests pass', async () => {
    const engine = createEngine({ store, rateLimits: [{ by: 'ip', limit: 5, window: '1m' }] })
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => engine.handle(request('192.0.2.7'))))
    expect(outcomes.filter((o) => o.kind === 'continue')).toHaveLength(5)
    expect(outcomes.filter((o) => o.kind === 'respond' && o.response.status === 429)).toHaveLength(15)
    await engine.close()
  })
})
