/** Where one limit policy stands for a request, for the response headers. */
export interface PolicyState {
  /** The policy's name (the rule's). */
  readonly name: string
  readonly limit: number
  readonly windowSeconds: number
  readonly remaining: number
  readonly resetMs: number
}

/** Which headers to send. */
export interface HeaderStyles {
  /** The IETF `RateLimit` and `RateLimit-Policy` fields (structured fields, draft-ietf-httpapi-ratelimit-headers). */
  readonly standard: boolean
  /** `X-RateLimit-Limit`, `-Remaining` and `-Reset` for the tightest policy. */
  readonly legacy: boolean
}

/** Whole seconds until a reset, rounded up so a client that waits that long is never early. */
export const secondsUntil = (ms: number) => Math.max(0, Math.ceil(ms / 1000))

/**
 * Adds a policy to the response's limit headers. Each policy is one list member of `RateLimit-Policy`
 * (`"burst";q=100;w=60`) and `RateLimit` (`"burst";r=42;t=17`); several stages and rules append to
 * the same fields. The legacy headers describe the policy with the fewest requests left.
 */
export function addLimitHeaders(headers: Headers, state: PolicyState, styles: HeaderStyles): void {
  const remaining = Math.max(0, state.remaining)
  const reset = secondsUntil(state.resetMs)
  if (styles.standard) {
    headers.append('ratelimit-policy', `"${state.name}";q=${state.limit};w=${state.windowSeconds}`)
    headers.append('ratelimit', `"${state.name}";r=${remaining};t=${reset}`)
  }
  if (!styles.legacy) return
  const current = headers.get('x-ratelimit-remaining')
  if (current !== null && Number(current) <= remaining) return
  headers.set('x-ratelimit-limit', String(state.limit))
  headers.set('x-ratelimit-remaining', String(remaining))
  headers.set('x-ratelimit-reset', String(reset))
}
