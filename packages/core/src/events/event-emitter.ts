import type { GatewayContext } from '../engine/context'
import type { LifecycleEventName, LifecycleEvents } from './lifecycle-events'

/** A subscriber to one lifecycle event. */
export type LifecycleListener<Name extends LifecycleEventName> = (event: LifecycleEvents[Name]) => void

/**
 * The typed, synchronous lifecycle event stream. Emitting to no one costs one lookup, and a
 * listener that throws never breaks the request or the other listeners.
 */
export class LifecycleEmitter {
  readonly #listeners: { [Name in LifecycleEventName]?: LifecycleListener<Name>[] } = {}
  #failures = 0
  readonly #view: ((ctx: GatewayContext) => GatewayContext) | undefined
  // One view per request, however many events it emits.
  readonly #views = new WeakMap<GatewayContext, GatewayContext>()

  /** `view` turns a request's context into what subscribers see (the gateway passes a redacting one). */
  constructor(view?: (ctx: GatewayContext) => GatewayContext) {
    this.#view = view
  }

  /**
   * Subscribes to an event; returns the function that unsubscribes.
   *
   * @example
   * ```ts
   * const off = gw.engine.events.on('request.responded', (e) => console.log(e.status, e.durationMs))
   * ```
   */
  on<Name extends LifecycleEventName>(name: Name, listener: LifecycleListener<Name>): () => void {
    const list = (this.#listeners[name] ?? []) as LifecycleListener<Name>[]
    this.#listeners[name] = list as never
    list.push(listener)
    return () => {
      const index = list.indexOf(listener)
      if (index !== -1) list.splice(index, 1)
    }
  }

  /** Whether anyone listens to an event, so emitters can skip building it. */
  has(name: LifecycleEventName): boolean {
    return (this.#listeners[name]?.length ?? 0) > 0
  }

  /** How many times a listener has thrown. */
  get listenerFailures(): number {
    return this.#failures
  }

  /** Delivers an event to its listeners, in subscription order. */
  emit<Name extends LifecycleEventName>(name: Name, event: LifecycleEvents[Name]): void {
    const list = this.#listeners[name] as LifecycleListener<Name>[] | undefined
    if (list === undefined || list.length === 0) return
    const delivered = this.#redacted(event)
    for (const listener of list) {
      try {
        listener(delivered)
      } catch (error) {
        if (this.#failures++ === 0)
          console.error(`[portcullis] a "${name}" listener threw; later failures are only counted`, error)
      }
    }
  }

  #redacted<Event extends { readonly ctx?: GatewayContext }>(event: Event): Event {
    const view = this.#view
    if (view === undefined || event.ctx === undefined) return event
    let seen = this.#views.get(event.ctx)
    if (seen === undefined) {
      seen = view(event.ctx)
      this.#views.set(event.ctx, seen)
    }
    return { ...event, ctx: seen }
  }
}
