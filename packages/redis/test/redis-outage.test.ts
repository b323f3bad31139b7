import { setTimeout as sleep } from 'node:timers/promises'
import { freePort, killAllRedisServers, startRedisServer } from '@portcullis/testing'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { RedisStore } from '../src/index'

// Every test here kills a private redis-server of its own, never the shared one on 6379.
const commandTimeoutMs = 250
const cleanups: Array<() => Promise<void> | void> = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await killAllRedisServers()
})

const urlStore = (url: string) => {
  const store = new RedisStore({ url, commandTimeoutMs })
  cleanups.push(() => store.close())
  return store
}

/** Every operation once, each timed: how it settled and how long it took. */
async function callEverything(store: RedisStore) {
  const calls = [
    () => store.get('k'),
    () => store.set('k', 'v', 1000),
    () => store.delete('k'),
    () => store.increment('n', 1, 1000),
    () => store.slidingWindowHit('w', 5, 1000, Date.now()),
  ]
  return Promise.all(
    calls.map(async (call) => {
      const started = performance.now()
      const outcome = await call().then(
        () => ({ rejected: false, message: '' }),
        (error: Error) => ({ rejected: true, message: String(error) }),
      )
      return { ...outcome, elapsedMs: performance.now() - started }
    }),
  )
}

function expectAllRejectedQuickly(outcomes: Awaited<ReturnType<typeof callEverything>>) {
  for (const outcome of outcomes) {
    expect(outcome).toMatchObject({ rejected: true, message: expect.stringMatching(/^Error: Redis /) })
    expect(outcome.elapsedMs).toBeLessThan(1000)
  }
}

describe('RedisStore during a Redis outage', () => {
  it('works while Redis runs, rejects within the deadline once it dies, and recovers by itself', async () => {
    const server = await startRedisServer()
    const store = urlStore(server.url)
    // Used at once: the first calls wait for the first connection instead of failing.
    expect((await callEverything(store)).every((o) => !o.rejected)).toBe(true)
    expect((await store.increment('n', 1, 10_000)).value).toBe(2)

    await server.kill()
    // Right after the crash, and later while the client keeps reconnecting.
    expectAllRejectedQuickly(await callEverything(store))
    await sleep(300)
    expectAllRejectedQuickly(await callEverything(store))

    await startRedisServer(server.port)
    let recovered: number | undefined
    for (const started = Date.now(); recovered === undefined && Date.now() - started < 5000; await sleep(50)) {
      recovered = await store.increment('n', 1, 10_000).then(
        (r) => r.value,
        () => undefined,
      )
    }
    // The restarted server is empty and has no cached scripts: EVALSHA falls back to EVAL.
    expect(recovered).toBe(1)
    expect(await store.slidingWindowHit('w', 5, 1000, Date.now())).toMatchObject({ allowed: true, count: 1 })
  })

  it('rejects within the deadline when Redis is down from the start, and closes promptly', async () => {
    const store = new RedisStore({ url: `redis://127.0.0.1:${await freePort()}`, commandTimeoutMs })
    expectAllRejectedQuickly(await callEverything(store))
    const started = performance.now()
    await store.close()
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('enforces the deadline on an app-owned client that queues commands while offline', async () => {
    const server = await startRedisServer()
    const client = new Redis(server.port, '127.0.0.1', {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      retryStrategy: () => 100,
    })
    client.on('error', () => undefined)
    cleanups.push(() => client.disconnect())
    const store = new RedisStore({ client, commandTimeoutMs })
    expect((await store.increment('n', 1, 10_000)).value).toBe(1)

    await server.kill()
    const outcomes = await callEverything(store)
    expectAllRejectedQuickly(outcomes)
    expect(outcomes.every((o) => o.message.includes('timed out'))).toBe(true)
    await store.close()
    expect(client.status).not.toBe('end')
  })
})
