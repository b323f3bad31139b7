import type { AppliedRuleConfig, AppliedRules } from './applied-rules'
import type { FallbackCounts, LimitFallbacks } from './limit-fallbacks'
import { type PeriodWindow, periodAt } from './quota-period'
import type { QuotaBook } from './quota-stage'

/** A consumer's use of one quota in the current period. */
export interface QuotaUsage {
  /** The quota's name. */
  readonly quota: string
  readonly limit: number
  readonly used: number
  readonly remaining: number
  /** The period, as ISO 8601 instants: from `periodStart` (inclusive) to `periodEnd` (exclusive). */
  readonly periodStart: string
  readonly periodEnd: string
}

/** Who a quota question is about: a consumer, and the groups (plans) that pick its limits. */
export interface QuotaSubject {
  readonly consumer: string
  readonly groups?: readonly string[]
}

/** Admin functions for limits and quotas: `engine.limits`. */
export interface LimitsAdmin {
  /** The consumer's use of each quota that covers them, in the current period. */
  quotaUsage(subject: QuotaSubject): Promise<QuotaUsage[]>
  /** Starts the consumer's current period over, for one quota (by name) or all of them. */
  resetQuota(consumer: string, quota?: string): Promise<void>
  /** How many requests store outages sent down each outage policy since start-up. */
  fallbackCounts(): FallbackCounts
  /** The rate-limit rules turned on at run time (kept in the store; a fleet shares them). */
  appliedRules(): Promise<AppliedRuleConfig[]>
  /**
   * Turns a rate-limit rule on at run time, after the configured ones, or replaces the applied rule of
   * its name. Rejects with a GatewayError (`admin.rule_invalid`, `admin.rule_conflict`).
   */
  applyRule(rule: unknown): Promise<AppliedRuleConfig>
  /** Turns an applied rule off; false when none has that name. */
  removeRule(name: string): Promise<boolean>
}

/** The admin functions over the compiled quotas and the outage counters. */
export function limitsAdmin(
  book: QuotaBook | undefined,
  rules: AppliedRules,
  fallbacks: LimitFallbacks,
  now: () => number,
): LimitsAdmin {
  const windowOf = (period: Parameters<typeof periodAt>[0]): PeriodWindow =>
    periodAt(period, now(), book?.timeZone ?? 'UTC')
  return {
    async quotaUsage(subject) {
      if (book === undefined) return []
      const { consumer } = subject
      const usage: QuotaUsage[] = []
      for (const rule of book.rules) {
        const limit = rule.limitFor(subject)
        if (limit === undefined) continue
        const window = windowOf(rule.period)
        const used = Number((await book.store.get(book.keyOf(rule, consumer, window))) ?? 0)
        usage.push({
          quota: rule.name,
          limit,
          used,
          remaining: Math.max(0, limit - used),
          periodStart: new Date(window.start).toISOString(),
          periodEnd: new Date(window.end).toISOString(),
        })
      }
      return usage
    },
    async resetQuota(consumer, quota) {
      if (book === undefined) return
      const rules = book.rules.filter((rule) => quota === undefined || rule.name === quota)
      await Promise.all(rules.map((rule) => book.store.delete(book.keyOf(rule, consumer, windowOf(rule.period)))))
    },
    fallbackCounts: () => fallbacks.counts(),
    appliedRules: () => rules.list(),
    applyRule: (rule) => rules.apply(rule),
    removeRule: (name) => rules.remove(name),
  }
}
