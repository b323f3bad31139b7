import type { GatewayContext } from '../../engine/context'
import type { CompletedResponse } from '../../engine/engine'
import type { Stage } from '../../engine/stage'
import type { LifecycleEmitter } from '../../events/event-emitter'
import type { DiscoveryBook, TrafficSample } from './discovery-book'
import { knownRouteTemplate } from './known-route'
import type { SessionKey } from './session-key'
import type { TrafficFilter } from './traffic-filter'

/** Options of {@link discoveryStage}. */
export interface DiscoveryStageOptions {
  readonly book: DiscoveryBook
  readonly sampleRate: number
  readonly isApiTraffic: TrafficFilter
  readonly sessionKey: SessionKey
  /** Stops the fleet publisher when the gateway closes. */
  readonly close?: () => Promise<void>
}

/**
 * Discovery: a stage with no say over requests. After each response it samples the request and
 * feeds what it may keep (method, path, template, status, timing, the hashed session, the body the
 * app already had parsed) to the book. Nothing here runs before the response is finished.
 */
export function discoveryStage(options: DiscoveryStageOptions): Stage {
  const { book, sampleRate, isApiTraffic, sessionKey } = options

  function learn(ctx: GatewayContext, sample: TrafficSample, events: LifecycleEmitter): void {
    const { endpoint, flagged } = book.record(sample)
    if (flagged && sample.session !== undefined && events.has('discovery.session_flagged'))
      events.emit('discovery.session_flagged', { ctx, session: sample.session, endpoint })
  }

  return {
    name: 'discovery',
    phase: 'route',
    complete(ctx, response: CompletedResponse, events) {
      // The admin API is the gateway's own surface, not the API's.
      if (ctx.answeredBy === 'admin') return
      if (sampleRate < 1 && Math.random() >= sampleRate) return
      if (!isApiTraffic(ctx)) return
      const { request } = ctx
      const sample: TrafficSample = {
        method: request.method,
        path: request.path,
        query: request.query,
        knownTemplate: knownRouteTemplate(ctx, response.routeTemplate),
        status: response.status,
        durationMs: ctx.now() - ctx.receivedAt,
        at: ctx.receivedAt,
        session: sessionKey(ctx),
        contentType: request.headers.get('content-type') ?? undefined,
      }
      // Only a body someone already parsed: discovery never reads one itself.
      if (!request.body.parsedJson) return learn(ctx, sample, events)
      request.body.json().then(
        (body) => learn(ctx, { ...sample, body }, events),
        () => learn(ctx, sample, events),
      )
    },
    ...(options.close === undefined ? {} : { close: options.close }),
  }
}
