import { LRUCache } from 'lru-cache'
import type { Clock } from '../../engine/clock'
import type { Principal } from '../../engine/principal'

/**
 * Verified JWTs, by token, until their `exp`: a repeated token costs no signature check. Emptied
 * when an issuer's keys change; a verification that was still running then is not stored, so a
 * token of a removed key cannot slip in afterwards.
 */
export class VerifiedTokenCache {
  readonly #entries: LRUCache<string, Principal>
  #generation = 0

  constructor(maxEntries: number, clock: Clock) {
    this.#entries = new LRUCache({ max: maxEntries, perf: { now: () => clock.now() }, ttlResolution: 0 })
  }

  get(token: string): Principal | undefined {
    return this.#entries.get(token)
  }

  /** A mark to pass back to {@link set}: a clear in between makes the store a no-op. */
  get generation(): number {
    return this.#generation
  }

  set(token: string, principal: Principal, ttlMs: number, generation: number): void {
    if (generation === this.#generation && ttlMs > 0) this.#entries.set(token, principal, { ttl: ttlMs })
  }

  clear(): void {
    this.#generation++
    this.#entries.clear()
  }
}
