import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { nodeFixture } from '../src/adapters/node'
import { rawHttp } from '../src/raw-http'
import { type Fleet, startFleet } from './limit-fleet'

describe('discovery across a fleet on Redis', () => {
  let fleet: Fleet | undefined
  afterAll(async () => {
    await fleet?.close()
  })

  it('reports one API surface: each instance merges the others’ published learning', async () => {
    fleet = await startFleet(
      nodeFixture,
      { discovery: { sessionKey: { header: 'x-client' }, syncInterval: '1h' } },
      `test:${randomUUID()}:`,
    )
    const [first, second] = fleet.urls as [string, string]
    for (let i = 0; i < 6; i++) await rawHttp(first, { target: `/orders/${1000 + i}`, headers: { 'x-client': 'a' } })
    for (let i = 0; i < 4; i++) await rawHttp(second, { target: `/orders/${2000 + i}`, headers: { 'x-client': 'b' } })
    await rawHttp(second, { target: '/only/on/second' })
    // Responses are reported after they finish: give the last one a turn, then publish both.
    await new Promise((resolve) => setTimeout(resolve, 50))
    await Promise.all(fleet.engines.map((engine) => engine.discovery?.publish()))
    for (const engine of fleet.engines) {
      const endpoints = (await engine.discovery?.endpoints()) ?? []
      const summary = endpoints.map(({ template, requests, sessions }) => ({ template, requests, sessions }))
      expect(summary).toEqual(
        expect.arrayContaining([
          { template: '/orders/{var1}', requests: 10, sessions: 2 },
          // No x-client header: no session to count (the session key has no fallback here).
          { template: '/only/on/second', requests: 1, sessions: 0 },
        ]),
      )
    }
  })
})
