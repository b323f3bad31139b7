import type { StageDecisionEvent } from '@portcullis/core'
import { describe, expect, it } from 'vitest'
import type { AdapterFixture } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { nextResponded, useFixture } from './helpers'

/** The lifecycle: each stage's decision, then `complete` once the response has finished. */
export function lifecycleCases(adapter: AdapterFixture): void {
  describe('lifecycle events', () => {
    const app = useFixture(adapter, {})

    it('reports each stage decision and the finished response with its route template', async () => {
      const decisions: StageDecisionEvent[] = []
      const off = app.engine.events.on('stage.decision', (event) => decisions.push(event))
      const responded = nextResponded(app.engine)
      const response = await rawHttp(app.url, { target: '/users/42' })
      const event = await responded
      off()
      expect(decisions.map((d) => `${d.phase}:${d.stage}:${d.action}`)).toEqual([
        'receive:request-target:continue',
        'receive:body-framing:continue',
      ])
      expect(event.status).toBe(200)
      expect(event.answeredBy).toBe('app')
      expect(event.ctx.requestId).toBe(response.headers['x-request-id'])
      expect(event.bytes).toBe(Buffer.byteLength(response.body))
      expect(event.durationMs).toBeGreaterThan(0)
      expect(event.routeTemplate).toBe(adapter.knowsRouteTemplates ? '/users/:id' : undefined)
    })

    it('reports a denial as answered by the gateway', async () => {
      const responded = nextResponded(app.engine)
      const response = await rawHttp(app.url, { target: '/x%2F' })
      const event = await responded
      expect(event.status).toBe(400)
      expect(event.answeredBy).toBe('gateway')
      expect(event.bytes).toBe(Buffer.byteLength(response.body))
    })
  })
}
