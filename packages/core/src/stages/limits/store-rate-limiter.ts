import RateLimiterRes from 'rate-limiter-flexible/lib/RateLimiterRes.js'
// rate-limiter-flexible's store base class is declared in its types but not exported from its index
// at run time; it is the documented way for a store to plug in (implement _upsert, _get, _delete).
import RateLimiterStoreAbstract from 'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js'
import type { CounterValue, Store } from '../../store/store'

/** Options of {@link createStoreRateLimiter}. */
export interface StoreRateLimiterOptions {
  readonly store: Store
  readonly keyPrefix: string
  readonly limit: number
  readonly windowMs: number
}

/**
 * A fixed-window rate-limiter-flexible limiter over any {@link Store}: the store's atomic
 * `increment` is the one round trip per decision. On a store other instances share, a key over its
 * limit is also blocked in this process until its window ends, so a flood of refused requests
 * does not reach the store.
 */
export function createStoreRateLimiter(options: StoreRateLimiterOptions): RateLimiterStoreAbstract {
  const { store, limit, windowMs } = options
  class StoreRateLimiter extends RateLimiterStoreAbstract {
    _upsert(key: string, points: number, msDuration: number): Promise<CounterValue> {
      return store.increment(key, points, msDuration)
    }

    async _get(key: string): Promise<CounterValue | null> {
      const value = await store.get(key)
      return value === undefined ? null : { value: Number(value), ttlMs: -1 }
    }

    async _delete(key: string): Promise<boolean> {
      await store.delete(key)
      return true
    }

    _getRateLimiterRes(_key: string, changedPoints: number, result: CounterValue): RateLimiterRes {
      const consumed = result.value
      return new RateLimiterRes(Math.max(this.points - consumed, 0), result.ttlMs, consumed, consumed === changedPoints)
    }
  }
  return new StoreRateLimiter({
    storeClient: store,
    keyPrefix: options.keyPrefix,
    points: limit,
    duration: windowMs / 1000,
    ...(store.shared === true ? { inMemoryBlockOnConsumed: limit + 1 } : {}),
  })
}
