import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '@portcullis/testing'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { RedisStore, redisStore } from '../src/index'

// The shared Redis on this machine and in CI; every key lives under this run's prefix.
const url = 'redis://127.0.0.1:6379'
const prefix = `test:${randomUUID()}:`
const admin = new Redis(url)
// A generous deadline: these tests check behaviour, the outage tests check the deadline.
const store = redisStore({ url, prefix, commandTimeoutMs: 2000 })

afterAll(async () => {
  await store.close()
  const keys = await admin.keys(`${prefix}*`)
  if (keys.length > 0) await admin.del(...keys)
  await admin.quit()
})

describe('RedisStore', () => {
  it('gets, sets, expires and deletes', async () => {
    expect(store.shared).toBe(true)
    expect(await store.get('a')).toBeUndefined()
    await store.set('a', '1')
    expect(await store.get('a')).toBe('1')
    expect(await admin.get(`${prefix}a`)).toBe('1')
    await store.set('short', 'v', 50)
    expect(await store.get('short')).toBe('v')
    await sleep(100)
    expect(await store.get('short')).toBeUndefined()
    await store.delete('a')
    await store.delete('missing')
    expect(await store.get('a')).toBeUndefined()
  })

  it('increments atomically: 1,000 concurrent increments count to 1,000', async () => {
    const results = await Promise.all(Array.from({ length: 1000 }, () => store.increment('hits', 1, 10_000)))
    expect(results.filter((r) => r.value === 1)).toHaveLength(1)
    expect(new Set(results.map((r) => r.value)).size).toBe(1000)
    expect(Math.max(...results.map((r) => r.value))).toBe(1000)
    expect(await store.get('hits')).toBe('1000')
  })

  it('gives a new counter its TTL and keeps the TTL of an existing one', async () => {
    const first = await store.increment('ttl', 1, 1000)
    expect(first).toEqual({ value: 1, ttlMs: 1000 })
    await sleep(100)
    const second = await store.increment('ttl', 1, 60_000)
    expect(second.value).toBe(2)
    expect(second.ttlMs).toBeGreaterThan(0)
    expect(second.ttlMs).toBeLessThanOrEqual(920)
  })

  it('restarts an expired counter and accepts negative increments', async () => {
    expect((await store.increment('gone', 5, 50)).value).toBe(5)
    await sleep(100)
    expect((await store.increment('gone', 1, 50)).value).toBe(1)
    expect((await store.increment('neg', -5, 1000)).value).toBe(-5)
    expect((await store.increment('neg', 3, 1000)).value).toBe(-2)
  })

  it('rejects fractional increments and non-counters with errors naming Redis', async () => {
    await expect(store.increment('frac', 0.5, 1000)).rejects.toThrow(RangeError)
    await store.set('text', 'abc')
    await expect(store.increment('text', 1, 1000)).rejects.toThrow(/^Redis increment failed/)
  })

  it('allows limit hits per sliding window, then refuses until a slot frees', async () => {
    const t = Date.now()
    const hit = (at: number) => store.slidingWindowHit('sw', 3, 200, at)
    expect(await hit(t)).toEqual({ allowed: true, count: 1, resetMs: 200 })
    expect(await hit(t + 50)).toEqual({ allowed: true, count: 2, resetMs: 150 })
    expect(await hit(t + 100)).toEqual({ allowed: true, count: 3, resetMs: 100 })
    expect(await hit(t + 150)).toEqual({ allowed: false, count: 3, resetMs: 50 })
    // At t + 200 the hit at t leaves the window (t + 200 - 200 is outside it).
    expect(await hit(t + 200)).toEqual({ allowed: true, count: 3, resetMs: 50 })
    const pttl = await admin.pttl(`${prefix}sw`)
    expect(pttl).toBeGreaterThan(0)
    expect(pttl).toBeLessThanOrEqual(200)
  })

  it('frees slots as real time passes', async () => {
    const now = Date.now()
    for (let i = 0; i < 3; i++) expect((await store.slidingWindowHit('real', 3, 200, now)).allowed).toBe(true)
    expect(await store.slidingWindowHit('real', 3, 200, now)).toEqual({ allowed: false, count: 3, resetMs: 200 })
    await sleep(250)
    expect(await store.slidingWindowHit('real', 3, 200, Date.now())).toMatchObject({ allowed: true, count: 1 })
  })

  it('allows exactly limit of many concurrent hits at the same instant', async () => {
    const now = Date.now()
    const results = await Promise.all(Array.from({ length: 100 }, () => store.slidingWindowHit('burst', 10, 1000, now)))
    const allowed = results.filter((r) => r.allowed)
    expect(allowed).toHaveLength(10)
    expect(allowed.map((r) => r.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(results.filter((r) => !r.allowed).every((r) => r.count === 10 && r.resetMs === 1000)).toBe(true)
  })

  it('isolates stores with different prefixes', async () => {
    const a = new RedisStore({ url, prefix: `${prefix}a:` })
    const b = new RedisStore({ url, prefix: `${prefix}b:` })
    try {
      await a.set('k', 'from-a')
      expect(await b.get('k')).toBeUndefined()
      expect((await a.increment('n', 1, 1000)).value).toBe(1)
      expect((await b.increment('n', 1, 1000)).value).toBe(1)
      expect(await admin.get(`${prefix}a:k`)).toBe('from-a')
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  it('leaves an app-owned client open on close', async () => {
    const client = new Redis(url)
    try {
      const owned = new RedisStore({ client, prefix })
      await owned.set('owned', 'yes')
      await owned.close()
      expect(await client.ping()).toBe('PONG')
      expect(await store.get('owned')).toBe('yes')
    } finally {
      client.disconnect()
    }
  })

  it('needs exactly one of client and url, and never echoes a password', async () => {
    expect(() => new RedisStore({})).toThrow(TypeError)
    expect(() => new RedisStore({ url: 'http://:hunter2secret@127.0.0.1' })).toThrow(/^RedisStore url must/)
    expect(() => new RedisStore({ url: 'redis://:hunter2secret@[bad' })).toThrow(/^RedisStore url must/)
    // Nothing listens on this port: every call fails, and no failure may show the password.
    const dead = new RedisStore({ url: `redis://:hunter2secret@127.0.0.1:${await freePort()}`, commandTimeoutMs: 100 })
    try {
      const errors = await Promise.all([
        dead.get('k').catch((e: unknown) => e),
        dead.increment('k', 1, 1000).catch((e: unknown) => e),
      ])
      for (const error of errors) {
        expect(error).toBeInstanceOf(Error)
        expect(String(error)).toMatch(/^Error: Redis /)
        expect(`${String(error)} ${(error as Error).stack}`).not.toContain('hunter2secret')
      }
    } finally {
      await dead.close()
    }
  })
})
