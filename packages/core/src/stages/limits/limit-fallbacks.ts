import type { GatewayContext } from '../../engine/context'
import type { LifecycleEmitter } from '../../events/event-emitter'
import type { LimitFallbackEvent } from '../../events/lifecycle-events'

type Section = LimitFallbackEvent['section']
type Policy = LimitFallbackEvent['policy']

/** How many requests each section let through uncounted, refused with 503, or counted locally. */
export type FallbackCounts = Readonly<Record<Section, Readonly<Record<Policy, number>>>>

/** Counts every request a store outage sent down an outage policy, and emits each as an event. */
export class LimitFallbacks {
  readonly #events: LifecycleEmitter
  readonly #counts: Record<Section, Record<Policy, number>> = {
    rateLimits: { open: 0, closed: 0, local: 0 },
    quotas: { open: 0, closed: 0, local: 0 },
  }

  constructor(events: LifecycleEmitter) {
    this.#events = events
  }

  record(ctx: GatewayContext, section: Section, rule: string, policy: Policy, cause: unknown): void {
    this.#counts[section][policy]++
    if (!this.#events.has('limit.store_fallback')) return
    this.#events.emit('limit.store_fallback', { ctx, section, rule, policy, ...(cause === undefined ? {} : { cause }) })
  }

  /** A snapshot of the counts since start-up. */
  counts(): FallbackCounts {
    return { rateLimits: { ...this.#counts.rateLimits }, quotas: { ...this.#counts.quotas } }
  }
}
