import type { GatewayContext } from '../../engine/context'
import { allThen, andThen, type MaybePromise } from '../../engine/maybe-async'
import type { Principal } from '../../engine/principal'
import { deny, proceed, reportDenial, type Stage, type StageDecision } from '../../engine/stage'
import { GatewayError } from '../../errors/gateway-error'
import type { RoutePattern } from '../../matching/route-pattern'
import type { CounterValue, Store } from '../../store/store'
import type { LimitFallbacks } from './limit-fallbacks'
import { addLimitHeaders, type HeaderStyles, limitPolicy, secondsUntil } from './limit-headers'
import type { QuotaSubject } from './limits-admin'
import { type PeriodWindow, periodAt, type QuotaPeriod } from './quota-period'
import { storeUnavailable } from './rate-limit-stage'
import type { StoreBreaker } from './store-breaker'

/** One compiled quota. */
export interface QuotaRule {
  readonly name: string
  readonly pattern: RoutePattern | undefined
  /** The consumer's limit per period (by its groups' plans), or `undefined` when this quota does not cover them. */
  readonly limitFor: (subject: QuotaSubject) => number | undefined
  readonly period: QuotaPeriod
  /** Whether a response with this status counts against the quota. */
  readonly counts: (status: number) => boolean
  readonly mode: 'enforce' | 'report'
  readonly onStoreError: 'open' | 'closed'
}

/** What the quota stage and the admin functions share. */
export interface QuotaBook {
  readonly rules: readonly QuotaRule[]
  readonly store: Store
  readonly timeZone: string
  /** The store key of a consumer's count in one period. */
  keyOf(rule: QuotaRule, consumer: string, window: PeriodWindow): string
}

/** Options of {@link quotaStage}. */
export interface QuotaStageOptions {
  readonly book: QuotaBook
  readonly headers: HeaderStyles
  readonly breaker: StoreBreaker
  readonly fallbacks: LimitFallbacks
}

/** A request's count taken from a quota, given back when its response's status does not count. */
interface Reservation {
  readonly rule: QuotaRule
  readonly key: string
  readonly ttlMs: number
}

// Counts stay readable (for the admin functions) a day past their period's end.
const keepAfterPeriodMs = 86_400_000
const reservations = new WeakMap<GatewayContext, Reservation[]>()

type QuotaResult =
  | {
      readonly kind: 'counted'
      readonly rule: QuotaRule
      readonly used: number
      readonly limit: number
      readonly window: PeriodWindow
    }
  | { readonly kind: 'unavailable'; readonly rule: QuotaRule }
  | { readonly kind: 'uncounted' }

/**
 * The `limit` stage for `quotas`: a consumer's requests per calendar period. Each request takes one
 * count up front (atomically, so a fleet never overshoots); a refused request gives it back, and so
 * does one whose response status the quota does not count, once the response is done. Anonymous
 * callers have no quota. Store failures follow `onStoreError` (default closed: 503), never 429.
 */
export function quotaStage(options: QuotaStageOptions): Stage {
  const { book, headers, breaker, fallbacks } = options
  const { store } = book

  // The memory store counts at once, so a request under its quotas waits for no promise.
  const increment = (key: string, by: number, ttlMs: number): MaybePromise<CounterValue> =>
    store.incrementNow !== undefined ? store.incrementNow(key, by, ttlMs) : store.increment(key, by, ttlMs)

  function take(ctx: GatewayContext, principal: Principal, rule: QuotaRule, limit: number): MaybePromise<QuotaResult> {
    const now = ctx.now()
    const window = periodAt(rule.period, now, book.timeZone)
    const key = book.keyOf(rule, principal.consumer, window)
    const ttlMs = window.end - now + keepAfterPeriodMs
    const refused = (used: number) => used > limit && rule.mode === 'enforce'
    const attempt = breaker.attempt(() =>
      andThen(increment(key, 1, ttlMs), ({ value }) =>
        // A refused request is not usage: its count goes back at once.
        refused(value) ? andThen(increment(key, -1, ttlMs), () => value) : value,
      ),
    )
    return andThen(attempt, (counted): QuotaResult => {
      if (!counted.ok) return outage(ctx, rule, counted.cause)
      if (!refused(counted.value)) {
        const taken = reservations.get(ctx)
        if (taken === undefined) reservations.set(ctx, [{ rule, key, ttlMs }])
        else taken.push({ rule, key, ttlMs })
      }
      return { kind: 'counted', rule, used: counted.value, limit, window }
    })
  }

  function outage(ctx: GatewayContext, rule: QuotaRule, cause: unknown): QuotaResult {
    fallbacks.record(ctx, 'quotas', rule.name, rule.onStoreError, cause)
    return rule.onStoreError === 'closed' && rule.mode === 'enforce'
      ? { kind: 'unavailable', rule }
      : { kind: 'uncounted' }
  }

  function decide(ctx: GatewayContext, results: readonly QuotaResult[]): StageDecision {
    let enforced: GatewayError | undefined
    let reported: GatewayError | undefined
    let unavailable = false
    for (const result of results) {
      if (result.kind === 'unavailable') unavailable = true
      if (result.kind !== 'counted') continue
      const { rule, used, limit, window } = result
      const resetMs = window.end - ctx.now()
      const windowSeconds = Math.round((window.end - window.start) / 1000)
      addLimitHeaders(ctx.responseHeaders, limitPolicy(rule.name, limit, windowSeconds), limit - used, resetMs, headers)
      if (used <= limit) continue
      if (rule.mode === 'enforce') enforced ??= quotaExhausted(rule.name, limit, resetMs)
      else reported ??= quotaExhausted(rule.name, limit, resetMs)
    }
    if (enforced !== undefined) return deny(enforced)
    if (unavailable) return deny(storeUnavailable(breaker.retryInMs()))
    return reported === undefined ? proceed : reportDenial(reported)
  }

  return {
    name: 'quota',
    phase: 'limit',
    run(ctx) {
      const { principal } = ctx
      if (principal === undefined) return proceed
      const { method, path } = ctx.request
      const taking: MaybePromise<QuotaResult>[] = []
      for (const rule of book.rules) {
        if (rule.pattern !== undefined && !rule.pattern.matches(method, path)) continue
        const limit = rule.limitFor(principal)
        if (limit !== undefined) taking.push(take(ctx, principal, rule, limit))
      }
      return taking.length === 0 ? proceed : allThen(taking, (results) => settle(ctx, results))
    },
    complete(ctx, response) {
      giveBack(ctx, (rule) => !rule.counts(response.status))
    },
  }

  function settle(ctx: GatewayContext, results: readonly QuotaResult[]): StageDecision {
    const decision = decide(ctx, results)
    // A refused request is not usage: give back what the other quotas took for it.
    if (decision.action === 'deny' && decision.enforce !== false) giveBack(ctx, () => true)
    return decision
  }

  function giveBack(ctx: GatewayContext, returns: (rule: QuotaRule) => boolean): void {
    const taken = reservations.get(ctx)
    if (taken === undefined) return
    reservations.delete(ctx)
    for (const { rule, key, ttlMs } of taken) {
      if (!returns(rule)) continue
      // Off the request path; a store that fails here leaves the count one too high, never too low.
      store.increment(key, -1, ttlMs).catch(() => {})
    }
  }
}

function quotaExhausted(name: string, limit: number, resetMs: number): GatewayError {
  const retryAfter = Math.max(1, secondsUntil(resetMs))
  return new GatewayError('limit.quota_exhausted', {
    detail: `The "${name}" quota of ${limit} requests this period is used up; it renews in ${retryAfter} s.`,
    headers: { 'retry-after': String(retryAfter) },
  })
}
