import type { IncomingMessage, ServerResponse } from 'node:http'
import { gateway } from '@portcullis/node'
import { redisStore } from '@portcullis/redis'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { honoFixture } from '../src/adapters/hono'
import { nextResponded } from '../src/conformance/helpers'
import { listen } from '../src/index'
import { apiKey, consumer, forgetQuota, quotaConfig, startFleet } from './limit-fleet'
import { send, sharedRedisUrl, uniquePrefix } from './limit-http'

// Which answers a quota counts by default (every status below 500), on the real Redis.

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const withKey = { 'x-api-key': apiKey }

describe('a quota with the default countStatuses', () => {
  it('counts an answer the app gives with 404 (node)', async () => {
    const prefix = uniquePrefix()
    const config = await quotaConfig(3)
    cleanups.push(() => forgetQuota(config, prefix))
    const store = redisStore({ url: sharedRedisUrl, prefix })
    cleanups.push(() => store.close())
    const gw = gateway({ ...config, store })
    // Every fixture app answers every path with 200; this app has no routes at all.
    const server = await listen(
      gw.wrap((_req: IncomingMessage, res: ServerResponse) => {
        res.statusCode = 404
        res.end('no such thing')
      }),
    )
    cleanups.push(
      () => gw.close(),
      () => server.close(),
    )

    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await send(server.url, { headers: withKey })).status)
    expect(statuses).toEqual([404, 404, 404, 429])
    expect(await gw.engine.limits.quotaUsage({ consumer })).toMatchObject([{ used: 3, remaining: 0 }])
  })

  it('gives back the count of an answer the app gives with 500 (hono: malformed JSON on POST /json)', async () => {
    const prefix = uniquePrefix()
    const config = await quotaConfig(2)
    cleanups.push(() => forgetQuota(config, prefix))
    const fleet = await startFleet(honoFixture, config, prefix, 1)
    cleanups.push(() => fleet.close())
    const [engine] = fleet.engines
    const [url] = fleet.urls
    if (engine === undefined || url === undefined) throw new Error('no instance started')
    // Hono's default error handler logs the app's SyntaxError before answering 500.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    cleanups.push(() => quiet.mockRestore())

    const broken = {
      method: 'POST',
      path: '/json',
      headers: { ...withKey, 'content-type': 'application/json' },
      body: '{',
    }
    for (let i = 0; i < 4; i++) {
      // The count goes back once the response is done; waiting for that keeps the next take after it.
      const responded = nextResponded(engine)
      expect((await send(url, broken)).status).toBe(500)
      await responded
    }
    // Four 500s with a quota of 2, none refused and none counted.
    expect(await engine.limits.quotaUsage({ consumer })).toMatchObject([{ used: 0, remaining: 2 }])
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await send(url, { headers: withKey })).status)
    expect(statuses).toEqual([200, 200, 429])
  })
})
