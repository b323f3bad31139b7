import type { ResponseHeaders } from '../../engine/response-headers'

/** A limit as the headers describe it; the `RateLimit-Policy` member is written once, up front. */
export interface LimitPolicy {
  /** The policy's name (the rule's). */
  readonly name: string
  readonly limit: number
  /** `"name";q=<limit>;w=<window seconds>`. */
  readonly policyField: string
}

/** A policy for the limit headers. */
export function limitPolicy(name: string, limit: number, windowSeconds: number): LimitPolicy {
  return { name, limit, policyField: `"${name}";q=${limit};w=${windowSeconds}` }
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
export function addLimitHeaders(
  headers: ResponseHeaders,
  policy: LimitPolicy,
  remaining: number,
  resetMs: number,
  styles: HeaderStyles,
): void {
  const left = Math.max(0, remaining)
  const reset = secondsUntil(resetMs)
  if (styles.standard) {
    headers.append('ratelimit-policy', policy.policyField)
    headers.append('ratelimit', `"${policy.name}";r=${left};t=${reset}`)
  }
  if (!styles.legacy) return
  const current = headers.get('x-ratelimit-remaining')
  if (current !== null && Number(current) <= left) return
  headers.set('x-ratelimit-limit', String(policy.limit))
  headers.set('x-ratelimit-remaining', String(left))
  headers.set('x-ratelimit-reset', String(reset))
}
