import { afterEach, describe, expect, it } from 'vitest'
import { adapterFixtures } from '../src/index'
import { apiKey, consumer, type Fleet, forgetQuota, quotaConfig, startFleet } from './limit-fleet'
import { burst, send, tally, uniquePrefix } from './limit-http'

// Limits across a fleet: two gateway instances of each adapter share counters on the real Redis.
// Every test uses a prefix of its own there; nothing is flushed.

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function fleetOf(...args: Parameters<typeof startFleet>): Promise<Fleet> {
  const fleet = await startFleet(...args)
  cleanups.push(() => fleet.close())
  return fleet
}

const withKey = { headers: { 'x-api-key': apiKey } }

for (const adapter of adapterFixtures) {
  describe(`two ${adapter.name} gateways sharing the real Redis`, () => {
    for (const algorithm of ['fixed', 'sliding'] as const) {
      it(`let exactly 100 of 1,000 concurrent requests through a ${algorithm} window of 100`, async () => {
        const rateLimits = [{ by: 'ip' as const, limit: 100, window: '1m', algorithm }]
        const fleet = await fleetOf(adapter, { rateLimits }, uniquePrefix())
        const answers = await burst(fleet.urls, 1000)
        // Each instance alone would let 100 through: exactly 100 in all means one shared count.
        expect(tally(answers)).toEqual({ '200': 100, '429 limit.rate_exceeded': 900 })
        // And no request slipped through uncounted because a command failed under the load.
        for (const engine of fleet.engines) {
          expect(engine.limits.fallbackCounts().rateLimits).toEqual({ open: 0, closed: 0, local: 0 })
        }
      })
    }

    it('share a monthly quota exactly, and the count survives a restart of the whole fleet', async () => {
      const prefix = uniquePrefix()
      const config = await quotaConfig(50)
      cleanups.push(() => forgetQuota(config, prefix))
      const fleet = await fleetOf(adapter, config, prefix)
      const answers = await burst(fleet.urls, 200, withKey)
      expect(tally(answers)).toEqual({ '200': 50, '429 limit.quota_exhausted': 150 })
      await fleet.close()

      // A new instance knows nothing but what Redis kept.
      const restarted = await fleetOf(adapter, config, prefix, 1)
      const [engine] = restarted.engines
      const [url] = restarted.urls
      if (engine === undefined || url === undefined) throw new Error('no instance started')
      expect(await send(url, withKey)).toMatchObject({ status: 429, code: 'limit.quota_exhausted' })
      expect(await engine.limits.quotaUsage({ consumer })).toMatchObject([
        { quota: 'monthly', limit: 50, used: 50, remaining: 0 },
      ])
      await engine.limits.resetQuota(consumer)
      expect((await send(url, withKey)).status).toBe(200)
      expect(await engine.limits.quotaUsage({ consumer })).toMatchObject([{ used: 1, remaining: 49 }])
    })
  })
}
