import { afterEach, describe, expect, it } from 'vitest'
import { adapterFixtures, rawHttp } from '../src/index'
import { startFleet } from './limit-fleet'
import { uniquePrefix } from './limit-http'

// Analytics shared through the real Redis: each instance publishes its own, and any instance reports
// the whole fleet's.

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

const node = adapterFixtures.find((adapter) => adapter.name === 'node')

describe('analytics across a fleet on the real Redis', () => {
  it('reports every instance’s requests from any instance', async () => {
    if (node === undefined) throw new Error('no node fixture')
    const fleet = await startFleet(node, { telemetry: { analytics: { syncInterval: '100ms' } } }, uniquePrefix())
    cleanups.push(() => fleet.close())
    const [first, second] = fleet.urls as [string, string]
    for (let i = 0; i < 3; i++) await rawHttp(first, { target: `/users/${i}` })
    for (let i = 0; i < 2; i++) await rawHttp(second, { target: `/orders/${i}` })
    await new Promise((resolve) => setTimeout(resolve, 400))
    const [one, two] = fleet.engines as [(typeof fleet.engines)[0], (typeof fleet.engines)[0]]
    expect(one.telemetry.analytics()?.total.requests).toBe(3)
    const merged = await one.telemetry.fleetAnalytics()
    expect(merged?.total.requests).toBe(5)
    expect((await two.telemetry.fleetAnalytics())?.total.requests).toBe(5)
  })
})
