import { randomUUID } from 'node:crypto'
import { createEngine, type RawRequest } from '@portcullis/core'
import { describe, expect, it } from 'vitest'
import '../src/index'

const request = (): RawRequest => ({
  method: 'GET',
  target: '/',
  headers: new Headers(),
  remoteAddress: '192.0.2.1',
  tls: undefined,
  raw: undefined,
  body: {
    declaredLength: undefined,
    present: false,
    read: async () => new Uint8Array(),
    stream: async function* () {},
  },
})

describe('store: { redis } in the config', () => {
  it('makes two engines share counters through the Redis the config names, and closes its client', async () => {
    const config = {
      store: { redis: { url: 'redis://127.0.0.1:6379', prefix: `test:${randomUUID()}:`, commandTimeout: '500ms' } },
      rateLimits: [{ by: 'ip' as const, limit: 1, window: '1m' }],
    }
    const [a, b] = [createEngine(config), createEngine(config)]
    const first = await a.handle(request())
    const second = await b.handle(request())
    expect([first.kind, second.kind === 'respond' && second.response.status]).toEqual(['continue', 429])
    await Promise.all([a.close(), b.close()])
    await expect(a.store.get('x')).rejects.toThrow(/Redis GET failed/)
  })
})
