import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { adapterFixtures, rawHttp, startUpstream, type UpstreamServer } from '../src/index'
import { startFleet } from './limit-fleet'
import { uniquePrefix } from './limit-http'

// The response cache shared through the real Redis: what one instance cached, the others serve.
// A load balancer would send the same Host to every instance; the cache key includes it.
const publicHost = 'api.example.com'

let catalog: UpstreamServer
beforeAll(async () => {
  catalog = await startUpstream('catalog', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60', vary: 'accept-language' })
    res.end(JSON.stringify({ served: catalog.received.length }))
  })
})
afterAll(() => catalog.close())

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

for (const adapter of adapterFixtures) {
  describe(`two ${adapter.name} gateways sharing a cache on the real Redis`, () => {
    it('serve what one of them cached, variant by variant', async () => {
      const fleet = await startFleet(
        adapter,
        { routes: [{ match: 'GET /catalog/**', upstream: catalog.url, cache: true }], cache: { shared: true } },
        uniquePrefix(),
      )
      cleanups.push(() => fleet.close())
      const [first, second] = fleet.urls as [string, string]
      const before = catalog.received.length
      const target = `/catalog/${adapter.name}`
      const miss = await rawHttp(first, { target, headers: { host: publicHost, 'accept-language': 'fr' } })
      expect(miss.headers['x-cache']).toBe('MISS')
      await new Promise((resolve) => setTimeout(resolve, 50))
      const hit = await rawHttp(second, { target, headers: { host: publicHost, 'accept-language': 'fr' } })
      expect(hit.headers['x-cache']).toBe('HIT')
      expect(hit.body).toBe(miss.body)
      const otherVariant = await rawHttp(second, { target, headers: { host: publicHost, 'accept-language': 'de' } })
      expect(otherVariant.headers['x-cache']).toBe('MISS')
      expect(catalog.received.length - before).toBe(2)
    })
  })
}
