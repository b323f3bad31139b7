import { parseDuration } from '../../config/duration'
import type { RateLimitRuleConfig } from '../../config/sections/limits-schema'
import { validateConfig } from '../../config/validate-config'
import { GatewayError } from '../../errors/gateway-error'
import type { Store } from '../../store/store'
import type { RateLimitRule } from './rate-limit-stage'

/** The store key the applied rules live under, shared by a fleet. */
const storeKey = 'limits:applied-rules'

/** A rate-limit rule turned on at run time (through the admin API), with its name. */
export type AppliedRuleConfig = RateLimitRuleConfig & { readonly name: string }

/** What the applied rules need: the store, how to compile a rule, and the names the config took. */
export interface AppliedRulesOptions {
  readonly store: Store
  readonly compile: (rule: AppliedRuleConfig) => RateLimitRule
  /** The configured rules: they come first, and an applied rule may not take one of their names. */
  readonly configured: readonly RateLimitRule[]
  /** Whether the store can take a sliding window. */
  readonly slidingWindows: boolean
}

/** The problems of a rule given at run time, checked by the same schema as the config file's. */
function ruleProblems(rule: unknown, slidingWindows: boolean): string[] {
  const problems = validateConfig({ rateLimits: [rule] }).map(
    ({ path, message }) => `${path.replace(/^rateLimits\[0\]\.?/, '') || 'rule'}: ${message}`,
  )
  if (problems.length > 0) return problems
  const checked = rule as RateLimitRuleConfig
  if (checked.name === undefined) problems.push('name: required')
  if (parseDuration(checked.window) === 0) problems.push('window: must be longer than 0')
  if (checked.algorithm === 'sliding' && !slidingWindows) problems.push('algorithm: the store has no sliding windows')
  return problems
}

/**
 * The rate-limit rules in force: the configured ones, then those turned on at run time. Applied
 * rules are kept in the store, so a restart keeps them and, on a shared store, every instance of a
 * fleet picks them up when it next {@link AppliedRules.sync syncs}.
 */
export class AppliedRules {
  readonly #options: AppliedRulesOptions
  #applied: readonly { config: AppliedRuleConfig; rule: RateLimitRule }[] = []
  /** Why rules cannot be applied here, when they cannot. */
  #disabled: string | undefined
  /** The configured rules, then the applied ones: what the rate-limit stage counts with. */
  current: readonly RateLimitRule[]

  constructor(options: AppliedRulesOptions) {
    this.#options = options
    this.current = options.configured
  }

  /** The rules applied at run time, as stored. */
  async list(): Promise<AppliedRuleConfig[]> {
    const text = await this.#options.store.get(storeKey)
    if (text === undefined) return []
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return []
    }
    // A stored rule this version cannot read is left out rather than breaking every request.
    return Array.isArray(parsed)
      ? parsed.filter(
          (rule): rule is AppliedRuleConfig => ruleProblems(rule, this.#options.slidingWindows).length === 0,
        )
      : []
  }

  /**
   * Turns a rule on (or replaces the applied rule of the same name). Throws a GatewayError
   * (`admin.rule_invalid`, `admin.rule_conflict`) when the rule cannot be applied.
   */
  async apply(rule: unknown): Promise<AppliedRuleConfig> {
    if (this.#disabled !== undefined)
      throw new GatewayError('admin.not_enabled', { detail: `Applying rules ${this.#disabled}.` })
    const problems = ruleProblems(rule, this.#options.slidingWindows)
    if (problems.length > 0) throw new GatewayError('admin.rule_invalid', { detail: problems.join('; ') })
    const config = rule as AppliedRuleConfig
    if (this.#options.configured.some((configured) => configured.name === config.name))
      throw new GatewayError('admin.rule_conflict', {
        detail: `"${config.name}" names a rule of the config; an applied rule needs a name of its own.`,
      })
    const others = (await this.list()).filter((applied) => applied.name !== config.name)
    await this.#save([...others, config])
    return config
  }

  /** Turns an applied rule off; false when no applied rule has that name. */
  async remove(name: string): Promise<boolean> {
    const rules = await this.list()
    const kept = rules.filter((rule) => rule.name !== name)
    if (kept.length === rules.length) return false
    await this.#save(kept)
    return true
  }

  /** Refuses every later {@link AppliedRules.apply}, saying why. */
  disable(reason: string): void {
    this.#disabled = reason
  }

  /** Re-reads the applied rules from the store (what other instances applied, too). */
  async sync(): Promise<void> {
    this.#use(await this.list())
  }

  async #save(rules: readonly AppliedRuleConfig[]): Promise<void> {
    await this.#options.store.set(storeKey, JSON.stringify(rules))
    this.#use(rules)
  }

  /** Compiles what changed; an unchanged rule keeps its compiled form. */
  #use(rules: readonly AppliedRuleConfig[]): void {
    const previous = new Map(this.#applied.map((entry) => [JSON.stringify(entry.config), entry.rule]))
    this.#applied = rules.map((config) => ({
      config,
      rule: previous.get(JSON.stringify(config)) ?? this.#options.compile(config),
    }))
    this.current = [...this.#options.configured, ...this.#applied.map((entry) => entry.rule)]
  }
}
