import { parseDuration } from '../../config/duration'
import type { GatewayConfig } from '../../config/schema'
import type { QuotaRuleConfig, RateLimitRuleConfig } from '../../config/sections/limits-schema'
import type { Clock } from '../../engine/clock'
import type { Stage } from '../../engine/stage'
import type { LifecycleEmitter } from '../../events/event-emitter'
import { compileRoutePattern } from '../../matching/route-pattern'
import { MemoryStore } from '../../store/memory-store'
import type { Store } from '../../store/store'
import type { BuildContext } from '../build-context'
import { AppliedRules } from './applied-rules'
import { LimitFallbacks } from './limit-fallbacks'
import { type HeaderStyles, limitPolicy } from './limit-headers'
import { compileLimitKey } from './limit-key'
import { type LimitsAdmin, limitsAdmin } from './limits-admin'
import type { QuotaPeriod } from './quota-period'
import { type QuotaBook, type QuotaRule, quotaStage } from './quota-stage'
import { type RateLimitRule, rateLimitStage } from './rate-limit-stage'
import { StoreBreaker } from './store-breaker'
import { fixedWindowCounter, slidingWindowCounter, type WindowCounterOptions } from './window-counter'

const defaultCooldownMs = 5_000
const defaultRuleSyncMs = 10_000

/**
 * On a shared store, reads the rules other instances applied at start-up and every `admin.ruleSync`
 * after; the timer does not keep the process alive.
 */
function appliedRuleSync(rules: AppliedRules, config: GatewayConfig, build: BuildContext): { stop(): void } {
  const intervalMs = parseDuration(config.admin?.ruleSync ?? '') || defaultRuleSyncMs
  let timer: ReturnType<typeof setInterval> | undefined
  // A store that is down now is read again on the next tick; the configured rules apply meanwhile.
  const sync = () => void rules.sync().catch(() => {})
  build.whenValid(() => {
    sync()
    timer = setInterval(sync, intervalMs)
    timer.unref?.()
  })
  return { stop: () => clearInterval(timer) }
}

/** What the limit sections build: their stages, in order, and the admin functions. */
export interface BuiltLimits {
  readonly stages: readonly Stage[]
  readonly admin: LimitsAdmin
}

/** What building the limits needs besides the config. */
export interface LimitsEnvironment {
  readonly store: Store
  readonly events: LifecycleEmitter
  readonly clock: Clock
}

const headerStyles = (headers: { standard?: boolean; legacy?: boolean } | undefined): HeaderStyles => ({
  standard: headers?.standard ?? true,
  legacy: headers?.legacy ?? false,
})

/** A section written as a bare list of rules, or as `{ rules, …settings }`: the rules and the settings. */
function sectionParts<Section extends { rules: readonly unknown[] }>(
  section: Section | Section['rules'] | undefined,
): { rules: Section['rules']; settings: Partial<Section> } {
  if (section === undefined) return { rules: [], settings: {} }
  if (Array.isArray(section)) return { rules: section, settings: {} }
  return { rules: (section as Section).rules, settings: section as Section }
}

/** Names rules by their position unless named, and reports a name used twice. */
function ruleNames(rules: readonly { name?: string }[], prefix: string, path: string, build: BuildContext): string[] {
  const names = rules.map((rule, index) => rule.name ?? `${prefix}-${index}`)
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) build.problem(`${path}[${index}].name`, `"${name}" names another rule too`)
  })
  return names
}

function compileRateRule(
  rule: RateLimitRuleConfig,
  name: string,
  env: LimitsEnvironment,
  settings: { ipv6Prefix: number; instances: number; localStore: Store },
): RateLimitRule {
  const windowMs = parseDuration(rule.window) as number
  const counterOf = (options: WindowCounterOptions) =>
    rule.algorithm === 'sliding' ? slidingWindowCounter(options, env.clock) : fixedWindowCounter(options)
  const onStoreError = rule.onStoreError ?? 'open'
  const localLimit = rule.localLimit ?? Math.ceil(rule.limit / settings.instances)
  const windowSeconds = Math.max(1, Math.round(windowMs / 1000))
  return {
    name,
    pattern: rule.match === undefined ? undefined : compileRoutePattern(rule.match),
    key: compileLimitKey(rule.by, settings.ipv6Prefix),
    counter: counterOf({ store: env.store, keyPrefix: `rl:${name}`, limit: rule.limit, windowMs }),
    limit: rule.limit,
    windowSeconds,
    policy: limitPolicy(name, rule.limit, windowSeconds),
    localPolicy: limitPolicy(name, localLimit, windowSeconds),
    mode: rule.mode ?? 'enforce',
    onStoreError,
    localCounter:
      onStoreError === 'local'
        ? counterOf({ store: settings.localStore, keyPrefix: `rl:${name}`, limit: localLimit, windowMs })
        : undefined,
  }
}

function statusFilter(statuses: QuotaRuleConfig['countStatuses']): (status: number) => boolean {
  if (statuses === undefined) return (status) => status < 500
  const exact = new Set(statuses.filter((status): status is number => typeof status === 'number'))
  const classes = new Set(statuses.filter((status) => typeof status === 'string').map((text) => Number(text[0])))
  return (status) => exact.has(status) || classes.has(Math.floor(status / 100))
}

function limitPicker(rule: QuotaRuleConfig): QuotaRule['limitFor'] {
  const plans = Object.entries(rule.plans ?? {})
  return ({ consumer, groups = [] }) => {
    const own = rule.consumers?.[consumer]
    if (own !== undefined && Object.hasOwn(rule.consumers ?? {}, consumer)) return own
    for (const [plan, limit] of plans) if (groups.includes(plan)) return limit
    return rule.limit
  }
}

const periodOf = (period: QuotaRuleConfig['period']): QuotaPeriod =>
  typeof period === 'string' ? { kind: period } : { kind: 'billing', anchorDay: period.billing }

function compileQuota(rule: QuotaRuleConfig, name: string): QuotaRule {
  return {
    name,
    pattern: rule.match === undefined ? undefined : compileRoutePattern(rule.match),
    limitFor: limitPicker(rule),
    period: periodOf(rule.period),
    counts: statusFilter(rule.countStatuses),
    mode: rule.mode ?? 'enforce',
    onStoreError: rule.onStoreError ?? 'closed',
  }
}

/**
 * Builds the `rateLimits` and `quotas` sections: a rate-limit stage, then a quota stage (so a
 * request a rate limit refuses uses no quota), each with its own breaker in front of the store.
 */
export function buildLimits(config: GatewayConfig, env: LimitsEnvironment, build: BuildContext): BuiltLimits {
  const fallbacks = new LimitFallbacks(env.events)
  const stages: Stage[] = []
  const rate = sectionParts<Extract<NonNullable<GatewayConfig['rateLimits']>, { rules: unknown }>>(config.rateLimits)
  const path = Array.isArray(config.rateLimits) ? 'rateLimits' : 'rateLimits.rules'
  const names = ruleNames(rate.rules, 'rate', path, build)
  const slidingWindows = typeof env.store.slidingWindowHit === 'function'
  rate.rules.forEach((rule, index) => {
    if (parseDuration(rule.window) === 0) build.problem(`${path}[${index}].window`, 'must be longer than 0')
    if (rule.algorithm === 'sliding' && !slidingWindows)
      build.problem(
        `${path}[${index}].algorithm`,
        'needs a store with slidingWindowHit (the configured store has none)',
      )
  })
  const settings = {
    ipv6Prefix: rate.settings.ipv6Prefix ?? 64,
    instances: rate.settings.instances ?? 1,
    localStore: new MemoryStore({ clock: env.clock }),
  }
  const compile = (rule: RateLimitRuleConfig, name: string) => compileRateRule(rule, name, env, settings)
  const rules = new AppliedRules({
    store: env.store,
    compile: (rule) => compile(rule, rule.name),
    configured: rate.rules.map((rule, index) => compile(rule, names[index] as string)),
    slidingWindows,
  })
  // Rules can be applied at run time only where the stage runs: with configured rules, or an admin API.
  if (rate.rules.length > 0 || config.admin !== undefined) {
    const ruleSync = env.store.shared === true ? appliedRuleSync(rules, config, build) : undefined
    const cooldown = parseDuration(rate.settings.outageCooldown ?? '') ?? defaultCooldownMs
    stages.push({
      ...rateLimitStage({
        rules,
        headers: headerStyles(rate.settings.headers),
        breaker: new StoreBreaker(env.clock, cooldown),
        fallbacks,
      }),
      ...(ruleSync === undefined ? {} : { close: ruleSync.stop }),
    })
  } else rules.disable('needs a rateLimits or admin section: without one, no stage counts rate limits')
  const quota = sectionParts<Extract<NonNullable<GatewayConfig['quotas']>, { rules: unknown }>>(config.quotas)
  let book: QuotaBook | undefined
  if (quota.rules.length > 0) {
    const path = Array.isArray(config.quotas) ? 'quotas' : 'quotas.rules'
    const names = ruleNames(quota.rules, 'quota', path, build)
    quota.rules.forEach((rule, index) => {
      if (rule.limit === undefined && rule.plans === undefined && rule.consumers === undefined)
        build.problem(`${path}[${index}]`, 'needs a limit, plans or consumers: it would cover nobody')
    })
    book = {
      rules: quota.rules.map((rule, index) => compileQuota(rule, names[index] as string)),
      store: env.store,
      timeZone: quota.settings.timeZone ?? 'UTC',
      keyOf: (rule, consumer, window) => `quota:${rule.name}:${window.label}:${consumer}`,
    }
    const cooldown = parseDuration(quota.settings.outageCooldown ?? '') ?? defaultCooldownMs
    stages.push(
      quotaStage({
        book,
        headers: headerStyles(quota.settings.headers),
        breaker: new StoreBreaker(env.clock, cooldown),
        fallbacks,
      }),
    )
  }
  return { stages, admin: limitsAdmin(book, rules, fallbacks, () => env.clock.now()) }
}
