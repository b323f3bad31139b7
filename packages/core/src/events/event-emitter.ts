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
    if (list === undefined) return
    for (const listener of list) {
      try {
        listener(event)
      } catch (error) {
        if (this.#failures++ === 0)
          console.error(`[portcullis] a "${name}" listener threw; later failures are only counted`, error)
      }
    }
  }
}
