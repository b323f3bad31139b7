import RateLimiterRes from 'rate-limiter-flexible/lib/RateLimiterRes.js'
import type { Clock } from '../../engine/clock'
import type { MaybePromise } from '../../engine/maybe-async'
import type { Store } from '../../store/store'
import { createStoreRateLimiter } from './store-rate-limiter'

/** Where a key stands after one request was counted. */
export interface WindowState {
  /** Whether the request is within the limit. */
  readonly allowed: boolean
  /** Requests left in the window (never negative). */
  readonly remaining: number
  /** Milliseconds until the window resets (fixed) or its oldest request leaves it (sliding). */
  readonly resetMs: number
}

/** Counts requests per key against one limit; fails only when the store fails. */
export interface WindowCounter {
  /** Synchronous on a store with `incrementNow` (the memory store). */
  hit(key: string): MaybePromise<WindowState>
}

/** Options of the window counters. */
export interface WindowCounterOptions {
  readonly store: Store
  /** Namespaces this rule's keys in the store (`<prefix>:<key>`). */
  readonly keyPrefix: string
  readonly limit: number
  readonly windowMs: number
}

/**
 * A fixed window per key, opened by the key's first request. On a store of this process alone that
 * counts at once, the count is the store's `incrementNow`; on any other, rate-limiter-flexible over
 * the store (which also blocks a key over its limit in memory, on a shared store). There a
 * refusal is a `RateLimiterRes`; anything else rejected is a store failure and is passed on.
 */
export function fixedWindowCounter(options: WindowCounterOptions): WindowCounter {
  const { store, keyPrefix, limit, windowMs } = options
  if (store.incrementNow !== undefined && store.shared !== true) {
    const counting = store as Store & Pick<Required<Store>, 'incrementNow'>
    return {
      hit(key) {
        // The key rate-limiter-flexible would use, so counts read the same whichever path took them.
        const { value, ttlMs } = counting.incrementNow(`${keyPrefix}:${key}`, 1, windowMs)
        return { allowed: value <= limit, remaining: Math.max(0, limit - value), resetMs: Math.max(0, ttlMs) }
      },
    }
  }
  const limiter = createStoreRateLimiter(options)
  const state = (res: RateLimiterRes, allowed: boolean): WindowState => ({
    allowed,
    remaining: res.remainingPoints,
    resetMs: Math.max(0, res.msBeforeNext),
  })
  return {
    hit: (key) =>
      limiter.consume(key).then(
        (res) => state(res, true),
        (reason: unknown) => {
          if (reason instanceof RateLimiterRes) return state(reason, false)
          throw reason
        },
      ),
  }
}

/**
 * A sliding-window log per key: a request passes only when fewer than `limit` requests passed in
 * the window-length interval before it, so no such interval ever holds more than `limit`.
 */
export function slidingWindowCounter(options: WindowCounterOptions, clock: Clock): WindowCounter {
  const { store, keyPrefix, limit, windowMs } = options
  return {
    async hit(key) {
      const result = await store.slidingWindowHit(`${keyPrefix}:${key}`, limit, windowMs, clock.now())
      return { allowed: result.allowed, remaining: Math.max(0, limit - result.count), resetMs: result.resetMs }
    },
  }
}
