import type { Clock } from '../../engine/clock'
import type { MaybePromise } from '../../engine/maybe-async'

/** What a store operation run through the breaker gave: its value, or why there is none. */
export type StoreAttempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly cause: unknown }

const skipped: StoreAttempt<never> = Object.freeze({ ok: false, cause: undefined })

/**
 * A circuit breaker in front of a store. After a failure it opens for `cooldownMs`: callers skip the
 * store and follow their outage policy, so a dead store costs at most its timeout once per cooldown,
 * not on every request. When the cooldown is over, one call probes the store (the others keep
 * skipping it until the probe settles); its success closes the breaker.
 */
export class StoreBreaker {
  readonly #clock: Clock
  readonly #cooldownMs: number
  #openUntil = 0
  #probing = false

  constructor(clock: Clock, cooldownMs: number) {
    this.#clock = clock
    this.#cooldownMs = cooldownMs
  }

  /**
   * Runs a store operation through the breaker: its value, or why there is none: the store failed
   * (`cause` is its error) or the breaker kept the operation from it (`cause` is `undefined`). An
   * operation that answers at once (an in-process store) is answered at once.
   */
  attempt<T>(operation: () => MaybePromise<T>): MaybePromise<StoreAttempt<T>> {
    if (!this.#allows()) return skipped
    let pending: MaybePromise<T>
    try {
      pending = operation()
    } catch (error) {
      this.#failed()
      return { ok: false, cause: error }
    }
    if (!(pending instanceof Promise)) {
      this.#succeeded()
      return { ok: true, value: pending }
    }
    // One reaction, not an async function awaiting another: this runs for every limited request.
    return pending.then(
      (value) => {
        this.#succeeded()
        return { ok: true, value }
      },
      (error: unknown) => {
        this.#failed()
        return { ok: false, cause: error }
      },
    )
  }

  /** Whether a call may use the store now; a `true` after the cooldown makes this call the probe. */
  #allows(): boolean {
    if (this.#openUntil === 0) return true
    if (this.#probing || this.#clock.now() < this.#openUntil) return false
    this.#probing = true
    return true
  }

  /** Milliseconds until the store is tried again (for `Retry-After`); 0 when it is in use. */
  retryInMs(): number {
    return this.#openUntil === 0 ? 0 : Math.max(0, this.#openUntil - this.#clock.now())
  }

  #succeeded(): void {
    this.#openUntil = 0
    this.#probing = false
  }

  #failed(): void {
    this.#openUntil = this.#clock.now() + this.#cooldownMs
    this.#probing = false
  }
}
