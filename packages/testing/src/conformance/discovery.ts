import { describe, expect, it } from 'vitest'
import type { AdapterFixture } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { nextResponded, useFixture } from './helpers'

/** Discovery on every adapter: the framework's route template is ground truth where it has one. */
export function discoveryCases(adapter: AdapterFixture): void {
  describe('discovery', () => {
    const app = useFixture(adapter, { discovery: { sessionKey: { header: 'x-client' } } })

    it('reports each endpoint once, by the route template the framework matched (or an inferred one)', async () => {
      for (const id of ['7', '8', 'ada', 'h12']) {
        const responded = nextResponded(app.engine)
        await rawHttp(app.url, { target: `/users/${id}?expand=1`, headers: { 'x-client': `client-${id}` } })
        await responded
      }
      const endpoints = (await app.engine.discovery?.endpoints()) ?? []
      const users = endpoints.filter((endpoint) => endpoint.template.startsWith('/users'))
      if (adapter.knowsRouteTemplates) {
        expect(users.map(({ method, template, requests }) => ({ method, template, requests }))).toEqual([
          { method: 'GET', template: '/users/{id}', requests: 4 },
        ])
      } else {
        // No framework router: id-like segments (7, 8, h12) are variables at once; a name stays literal
        // until there are many.
        expect(users.find((endpoint) => endpoint.template === '/users/{var1}')?.requests).toBe(3)
        expect(users.reduce((sum, endpoint) => sum + endpoint.requests, 0)).toBe(4)
      }
      expect(users.reduce((sum, endpoint) => sum + endpoint.sessions, 0)).toBe(4)
      expect(JSON.stringify(endpoints)).not.toContain('client-')
    })
  })
}
