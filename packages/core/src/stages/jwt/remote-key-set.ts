import { createLocalJWKSet, errors, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose'

/** Where a remote key set comes from: a JWKS URL, or the issuer's OpenID discovery document. */
export type KeySetLocation = { readonly jwksUri: string } | { readonly discoveryIssuer: string }

/** Options of {@link RemoteKeySet}. */
export interface RemoteKeySetOptions {
  readonly location: KeySetLocation
  /** How often the set is refreshed in the background. */
  readonly refreshIntervalMs: number
  /** The least time between two fetches caused by unknown key ids. */
  readonly cooldownMs: number
  /** How long one fetch may take. */
  readonly timeoutMs: number
  /** Called when the set of keys changed, so verified-token caches can forget tokens of removed keys. */
  readonly onChange: () => void
}

/** Thrown when no key set could ever be fetched: verification cannot happen (503, not 401). */
export class KeySetUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The signing keys could not be fetched', { cause })
    this.name = 'KeySetUnavailableError'
  }
}

type KeyResolver = ReturnType<typeof createLocalJWKSet>

async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: 'application/json' },
    redirect: 'error',
  })
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`)
  return response.json()
}

const trimSlash = (url: string) => (url.endsWith('/') ? url.slice(0, -1) : url)

/**
 * A JWK set fetched from the issuer and kept in memory: refreshed in the background, fetched again
 * (at most once per cooldown) when a token names an unknown key id, and served stale when the
 * issuer is down, so an outage of the IdP does not lock out callers with valid tokens.
 */
export class RemoteKeySet {
  readonly #options: RemoteKeySetOptions
  #jwksUri: string | undefined
  #resolver: KeyResolver | undefined
  #keyIds = ''
  /** When an unknown key id last made us fetch (real time). */
  #lastUnknownKeyFetch = Number.NEGATIVE_INFINITY
  /** When a fetch last failed while no set was known (real time). */
  #lastFailure = Number.NEGATIVE_INFINITY
  #inFlight: Promise<void> | undefined
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(options: RemoteKeySetOptions) {
    this.#options = options
    this.#jwksUri = 'jwksUri' in options.location ? options.location.jwksUri : undefined
  }

  /** Fetches the set now and keeps refreshing it; failures wait for the next attempt. */
  start(): void {
    this.refresh().catch(() => {})
    this.#timer = setInterval(() => this.refresh().catch(() => {}), this.#options.refreshIntervalMs)
    this.#timer.unref?.()
  }

  /**
   * The key for a token's header. With no set known yet, it fetches one, but at most once per
   * cooldown while the issuer keeps failing: an outage must not turn every request into a fetch.
   * An unknown key id may be a rotation: the set is fetched again, at most once per cooldown
   * (counted from such fetches only, so a rotation just after a background refresh still works).
   * Cooldowns use real time, not the gateway's clock: they throttle fetches, they are not token rules.
   */
  async resolve(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey | Uint8Array> {
    if (this.#resolver === undefined) await this.#firstKeys()
    try {
      return await (this.#resolver as KeyResolver)(header, token)
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error
      if (this.#inFlight !== undefined) await this.#inFlight.catch(() => {})
      else if (performance.now() - this.#lastUnknownKeyFetch >= this.#options.cooldownMs) {
        this.#lastUnknownKeyFetch = performance.now()
        await this.refresh().catch(() => {})
      } else throw error
      return (this.#resolver as KeyResolver)(header, token)
    }
  }

  async #firstKeys(): Promise<void> {
    if (this.#inFlight === undefined && performance.now() - this.#lastFailure < this.#options.cooldownMs) {
      throw new KeySetUnavailableError(new Error('The last fetch failed; waiting out the cooldown'))
    }
    try {
      await this.refresh()
    } catch (cause) {
      this.#lastFailure = performance.now()
      throw new KeySetUnavailableError(cause)
    }
  }

  /** Fetches the set (one fetch at a time); keeps the old set when the fetch fails. */
  refresh(): Promise<void> {
    this.#inFlight ??= this.#fetch().finally(() => {
      this.#inFlight = undefined
    })
    return this.#inFlight
  }

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
  }

  async #fetch(): Promise<void> {
    const { timeoutMs, location } = this.#options
    if (this.#jwksUri === undefined && 'discoveryIssuer' in location) {
      const issuer = trimSlash(location.discoveryIssuer)
      const document = (await fetchJson(`${issuer}/.well-known/openid-configuration`, timeoutMs)) as Record<
        string,
        unknown
      >
      if (trimSlash(String(document.issuer ?? '')) !== issuer)
        throw new Error('The discovery document names another issuer')
      if (typeof document.jwks_uri !== 'string') throw new Error('The discovery document has no jwks_uri')
      this.#jwksUri = document.jwks_uri
    }
    const jwks = (await fetchJson(this.#jwksUri as string, timeoutMs)) as JSONWebKeySet
    if (!Array.isArray(jwks?.keys)) throw new Error('The JWKS has no keys')
    const resolver = createLocalJWKSet(jwks)
    const keyIds = jwks.keys
      .map((key) => `${key.kid ?? ''}:${key.x ?? key.n ?? ''}`)
      .sort()
      .join(',')
    const changed = this.#resolver !== undefined && keyIds !== this.#keyIds
    this.#resolver = resolver
    this.#keyIds = keyIds
    if (changed) this.#options.onChange()
  }
}
