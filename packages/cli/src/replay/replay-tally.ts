import type { GatewayError } from '@portcullis/core'

/** Why the gateway refused a request: the stage, the error code and status, and the rule when the refusal names one. */
export interface Refusal {
  readonly stage: string
  readonly code: string
  readonly status: number
  /** A rate limit's or quota's name (an upstream's, a handler's), when the refusal names one. */
  readonly rule: string | undefined
}

// Refusals name their rule in the detail: `The "prices" limit allows…`, `The "monthly" quota of…`.
const namedRule = /\bthe "([^"]+)" (?:limit|quota|upstream|handler)\b/i

/** A stage's denial as a {@link Refusal}. */
export function refusalOf(stage: string, error: GatewayError): Refusal {
  return { stage, code: error.code, status: error.status, rule: namedRule.exec(error.detail ?? '')?.[1] }
}

/** What became of one replayed request. */
export interface ReplayedRequest {
  readonly method: string
  /** The OpenAPI operation's path template, else the one discovery learned, else the path. */
  readonly template: string
  /** The authenticated consumer, or `anonymous`. */
  readonly consumer: string
  /** The enforced refusal, when the gateway refused the request. */
  readonly blocked: Refusal | undefined
  /** The denials of stages in report mode: refusals once those enforce. */
  readonly reported: readonly Refusal[]
  /** Whether a route answered it (offline, with the recorded status). */
  readonly routed: boolean
}

/** Requests by what became of them: passed, blocked (refused) or would block (refused in report mode only). */
export interface VerdictCounts {
  requests: number
  passed: number
  blocked: number
  wouldBlock: number
}

/** A rule's refusals: enforced, and in report mode. */
export interface RuleCounts extends Refusal {
  blocked: number
  wouldBlock: number
}

/** The replay's counts: totals, and per rule, per endpoint and per consumer, the most refused first. */
export interface ReplaySummary {
  readonly totals: VerdictCounts & { routed: number }
  readonly rules: RuleCounts[]
  readonly endpoints: (VerdictCounts & { method: string; template: string })[]
  readonly consumers: (VerdictCounts & { consumer: string })[]
}

const zero = (): VerdictCounts => ({ requests: 0, passed: 0, blocked: 0, wouldBlock: 0 })

function count(counts: VerdictCounts, request: ReplayedRequest): void {
  counts.requests++
  if (request.blocked !== undefined) counts.blocked++
  else if (request.reported.length > 0) counts.wouldBlock++
  else counts.passed++
}

const refused = (counts: { blocked: number; wouldBlock: number }) => counts.blocked + counts.wouldBlock

/** Counts replayed requests as they come. */
export class ReplayTally {
  readonly #totals = { ...zero(), routed: 0 }
  readonly #rules = new Map<string, RuleCounts>()
  readonly #endpoints = new Map<string, VerdictCounts & { method: string; template: string }>()
  readonly #consumers = new Map<string, VerdictCounts & { consumer: string }>()

  add(request: ReplayedRequest): void {
    count(this.#totals, request)
    if (request.routed) this.#totals.routed++
    const { method, template, consumer } = request
    const endpoint = `${method} ${template}`
    if (!this.#endpoints.has(endpoint)) this.#endpoints.set(endpoint, { method, template, ...zero() })
    count(this.#endpoints.get(endpoint) as VerdictCounts, request)
    if (!this.#consumers.has(consumer)) this.#consumers.set(consumer, { consumer, ...zero() })
    count(this.#consumers.get(consumer) as VerdictCounts, request)
    if (request.blocked !== undefined) this.#rule(request.blocked).blocked++
    for (const refusal of request.reported) this.#rule(refusal).wouldBlock++
  }

  summary(): ReplaySummary {
    const mostRefused = <T extends VerdictCounts>(rows: Iterable<T>, name: (row: T) => string) =>
      [...rows].sort((a, b) => refused(b) - refused(a) || b.requests - a.requests || name(a).localeCompare(name(b)))
    return {
      totals: { ...this.#totals },
      rules: [...this.#rules.values()].sort(
        (a, b) =>
          refused(b) - refused(a) ||
          `${a.stage} ${a.code} ${a.rule ?? ''}`.localeCompare(`${b.stage} ${b.code} ${b.rule ?? ''}`),
      ),
      endpoints: mostRefused(this.#endpoints.values(), (row) => `${row.template} ${row.method}`),
      consumers: mostRefused(this.#consumers.values(), (row) => row.consumer),
    }
  }

  #rule(refusal: Refusal): RuleCounts {
    const key = `${refusal.stage}\n${refusal.code}\n${refusal.rule ?? ''}`
    let counts = this.#rules.get(key)
    if (counts === undefined) {
      counts = { ...refusal, blocked: 0, wouldBlock: 0 }
      this.#rules.set(key, counts)
    }
    return counts
  }
}
