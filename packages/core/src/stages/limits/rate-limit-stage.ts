import type { GatewayContext } from '../../engine/context'
import { allThen, andThen, type MaybePromise } from '../../engine/maybe-async'
import { deny, proceed, reportDenial, type Stage, type StageDecision } from '../../engine/stage'
import { GatewayError } from '../../errors/gateway-error'
import type { RoutePattern } from '../../matching/route-pattern'
import type { LimitFallbacks } from './limit-fallbacks'
import { addLimitHeaders, type HeaderStyles, type LimitPolicy, secondsUntil } from './limit-headers'
import type { LimitKey } from './limit-key'
import type { StoreBreaker } from './store-breaker'
import type { WindowCounter, WindowState } from './window-counter'

/** One compiled rate-limit rule. */
export interface RateLimitRule {
  readonly name: string
  /** The requests it counts; `undefined` for all. */
  readonly pattern: RoutePattern | undefined
  readonly key: LimitKey
  readonly counter: WindowCounter
  readonly limit: number
  readonly windowSeconds: number
  /** The rule as a policy in the limit headers. */
  readonly policy: LimitPolicy
  readonly mode: 'enforce' | 'report'
  readonly onStoreError: 'open' | 'closed' | 'local'
  /** The in-process counter for `local`. */
  readonly localCounter: WindowCounter | undefined
  /** The rule as a policy while it counts locally (its limit is `localLimit`). */
  readonly localPolicy: LimitPolicy
}

/** Options of {@link rateLimitStage}. */
export interface RateLimitStageOptions {
  /** The rules in force; read on every request, so rules applied at run time count at once. */
  readonly rules: { readonly current: readonly RateLimitRule[] }
  readonly headers: HeaderStyles
  readonly breaker: StoreBreaker
  readonly fallbacks: LimitFallbacks
}

/** What one rule made of a request: a count, or no count because the store was out. */
type RuleResult = {
  readonly rule: RateLimitRule
  readonly state: WindowState | undefined
  readonly unavailable: boolean
  /** The policy that counted: the rule's, or its local one during an outage. */
  readonly policy: LimitPolicy
}

/**
 * The `limit` stage for `rateLimits`: every rule matching the request counts it (in parallel on a
 * networked store, synchronously on the memory store); any
 * enforced rule over its limit refuses it with 429 and `Retry-After`. Every counted rule adds its
 * policy to the `RateLimit` headers. A store failure never answers 429: each rule follows its outage
 * policy, and a breaker keeps a dead store from costing its timeout on every request.
 */
export function rateLimitStage(options: RateLimitStageOptions): Stage {
  const { rules, headers, breaker, fallbacks } = options

  function fallBack(ctx: GatewayContext, rule: RateLimitRule, key: string, cause: unknown): MaybePromise<RuleResult> {
    fallbacks.record(ctx, 'rateLimits', rule.name, rule.onStoreError, cause)
    if (rule.onStoreError === 'local' && rule.localCounter !== undefined)
      return andThen(rule.localCounter.hit(key), (state) => ({
        rule,
        state,
        unavailable: false,
        policy: rule.localPolicy,
      }))
    return { rule, state: undefined, unavailable: rule.onStoreError === 'closed', policy: rule.policy }
  }

  // Synchronous from key to count on the memory store: a limited request then waits for no promise.
  function count(ctx: GatewayContext, rule: RateLimitRule): MaybePromise<RuleResult> {
    return andThen(rule.key(ctx), (key) =>
      andThen(
        breaker.attempt(() => rule.counter.hit(key)),
        (counted) =>
          counted.ok
            ? { rule, state: counted.value, unavailable: false, policy: rule.policy }
            : fallBack(ctx, rule, key, counted.cause),
      ),
    )
  }

  function decide(ctx: GatewayContext, results: readonly RuleResult[]): StageDecision {
    // The refusal to give is the one whose window resets last: retrying earlier would be refused again.
    let enforced: { rule: RateLimitRule; policy: LimitPolicy; resetMs: number } | undefined
    let reported: { rule: RateLimitRule; policy: LimitPolicy; resetMs: number } | undefined
    let unavailable = false
    for (const { rule, state, unavailable: out, policy } of results) {
      if (out && rule.mode === 'enforce') unavailable = true
      if (state === undefined) continue
      addLimitHeaders(ctx.responseHeaders, policy, state.remaining, state.resetMs, headers)
      if (state.allowed) continue
      const refusal = { rule, policy, resetMs: state.resetMs }
      if (rule.mode === 'enforce') {
        if (enforced === undefined || refusal.resetMs > enforced.resetMs) enforced = refusal
      } else reported ??= refusal
    }
    if (enforced !== undefined) return deny(limitExceeded(enforced))
    if (unavailable) return deny(storeUnavailable(breaker.retryInMs()))
    return reported === undefined ? proceed : reportDenial(limitExceeded(reported))
  }

  return {
    name: 'rate-limit',
    phase: 'limit',
    run(ctx) {
      const { method, path } = ctx.request
      const results: MaybePromise<RuleResult>[] = []
      for (const rule of rules.current) {
        if (rule.pattern === undefined || rule.pattern.matches(method, path)) results.push(count(ctx, rule))
      }
      return results.length === 0 ? proceed : allThen(results, (settled) => decide(ctx, settled))
    },
  }
}

function limitExceeded(refusal: { rule: RateLimitRule; policy: LimitPolicy; resetMs: number }): GatewayError {
  const { rule, policy, resetMs } = refusal
  const retryAfter = Math.max(1, secondsUntil(resetMs))
  return new GatewayError('limit.rate_exceeded', {
    detail: `The "${rule.name}" limit allows ${policy.limit} requests per ${rule.windowSeconds} s; retry in ${retryAfter} s.`,
    headers: { 'retry-after': String(retryAfter) },
  })
}

/** The 503 of a `closed` outage policy; shared by rate limits and quotas. */
export function storeUnavailable(retryInMs: number): GatewayError {
  return new GatewayError('limit.store_unavailable', {
    detail: 'The store that keeps request counts is unavailable; the request was not counted.',
    headers: { 'retry-after': String(Math.max(1, secondsUntil(retryInMs))) },
  })
}
