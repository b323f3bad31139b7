import { LRUCache } from 'lru-cache'
import { sha256Hex } from '../../crypto/sha256'
import type { Clock } from '../../engine/clock'

/** Options of {@link IntrospectionClient}. */
export interface IntrospectionClientOptions {
  readonly url: string
  readonly clientId: string
  readonly clientSecret: string
  readonly authMethod: 'client_secret_basic' | 'client_secret_post'
  readonly timeoutMs: number
  /** The longest an active result is reused (never past the token's `exp`). */
  readonly cacheTtlMs: number
  /** How long an inactive result is reused. */
  readonly inactiveTtlMs: number
  readonly cacheMaxEntries: number
  readonly clock: Clock
}

/** What the introspection endpoint said about a token (RFC 7662 §2.2). */
export type IntrospectionResult =
  | { readonly active: true; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly active: false }

/** The endpoint failed, timed out or answered nonsense: the token is neither accepted nor refused. */
export class IntrospectionUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause })
    this.name = 'IntrospectionUnavailableError'
  }
}

const inactive: IntrospectionResult = Object.freeze({ active: false })

// RFC 6749 §2.3.1: client credentials in Basic auth are form-urlencoded first.
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+')

/**
 * Calls an RFC 7662 introspection endpoint with client authentication. Results are cached by a
 * hash of the whole token (the token itself is never kept), active ones at most until the token's
 * `exp`; concurrent requests with the same new token share one call.
 */
export class IntrospectionClient {
  readonly #options: IntrospectionClientOptions
  readonly #cache: LRUCache<string, IntrospectionResult> | undefined
  readonly #inFlight = new Map<string, Promise<IntrospectionResult>>()
  readonly #authorization: string

  constructor(options: IntrospectionClientOptions) {
    this.#options = options
    this.#cache =
      options.cacheMaxEntries === 0
        ? undefined
        : new LRUCache({ max: options.cacheMaxEntries, perf: { now: () => options.clock.now() }, ttlResolution: 0 })
    this.#authorization = `Basic ${btoa(`${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`)}`
  }

  /** Introspects a token; rejects with {@link IntrospectionUnavailableError} when the endpoint cannot say. */
  async introspect(token: string): Promise<IntrospectionResult> {
    const key = await sha256Hex(token)
    const cached = this.#cache?.get(key)
    if (cached !== undefined) return cached
    let pending = this.#inFlight.get(key)
    if (pending === undefined) {
      pending = this.#call(token, key).finally(() => this.#inFlight.delete(key))
      this.#inFlight.set(key, pending)
    }
    return pending
  }

  async #call(token: string, key: string): Promise<IntrospectionResult> {
    const { url, clientId, clientSecret, authMethod, timeoutMs, clock } = this.#options
    const form = new URLSearchParams({ token, token_type_hint: 'access_token' })
    const headers: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    }
    if (authMethod === 'client_secret_basic') headers.authorization = this.#authorization
    else {
      form.set('client_id', clientId)
      form.set('client_secret', clientSecret)
    }
    let body: unknown
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: form,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      })
      if (!response.ok)
        throw new IntrospectionUnavailableError(`The introspection endpoint answered ${response.status}`)
      body = await response.json()
    } catch (error) {
      if (error instanceof IntrospectionUnavailableError) throw error
      throw new IntrospectionUnavailableError('The introspection endpoint could not be reached', error)
    }
    if (typeof body !== 'object' || body === null || typeof (body as { active?: unknown }).active !== 'boolean') {
      throw new IntrospectionUnavailableError('The introspection endpoint did not answer with { "active": … }')
    }
    const claims = body as Record<string, unknown>
    if (claims.active !== true) {
      this.#cache?.set(key, inactive, { ttl: this.#options.inactiveTtlMs })
      return inactive
    }
    const result: IntrospectionResult = { active: true, claims }
    const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY
    const ttl = Math.min(this.#options.cacheTtlMs, exp - clock.now())
    if (ttl > 0) this.#cache?.set(key, result, { ttl })
    return result
  }
}
