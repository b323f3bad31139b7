import type {
  AnalyticsSnapshot,
  AppliedRuleConfig,
  DiscoveredEndpointReport,
  EndpointDiff,
  QuotaUsage,
  ReviewState,
} from '@portcullis/core'

/** An endpoint as the admin API lists it: discovery's report, the team's review and the recommended limit. */
export interface EndpointRow extends DiscoveredEndpointReport {
  readonly review: ReviewState
  readonly documented: boolean | undefined
  readonly recommendation:
    | {
        readonly threshold: number
        readonly window: string
        readonly confidence: number
        readonly rule: string
        readonly applied: 'report' | 'enforce' | undefined
      }
    | undefined
}

export interface Health {
  readonly status: 'ok' | 'degraded'
  readonly ready: boolean
  readonly uptimeSeconds: number
  readonly features: {
    readonly discovery: boolean
    readonly openapi: boolean
    readonly analytics: boolean
    readonly quotas: boolean
  }
  readonly store: { readonly kind: string; readonly shared: boolean; readonly reachable: boolean }
}

/** A refusal from the admin API (problem+json), or a network failure. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message)
  }
}

const tokenKey = 'portcullis-admin-token'

/**
 * The admin token: taken from the URL fragment (`#token=…`, which never reaches a server) on first
 * load, then kept in this tab's session storage only.
 */
export function initialToken(): string | undefined {
  const fragment = new URLSearchParams(location.hash.slice(1))
  const fromUrl = fragment.get('token')
  if (fromUrl !== null && fromUrl !== '') {
    sessionStorage.setItem(tokenKey, fromUrl)
    history.replaceState(null, '', location.pathname + location.search)
    return fromUrl
  }
  return sessionStorage.getItem(tokenKey) ?? undefined
}

export function rememberToken(token: string | undefined): void {
  if (token === undefined) sessionStorage.removeItem(tokenKey)
  else sessionStorage.setItem(tokenKey, token)
}

/** The admin API, relative to the page (which the admin route serves at `<admin path>/`). */
export class AdminClient {
  readonly #token: string

  constructor(token: string) {
    this.#token = token
  }

  async #call<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    let response: Response
    try {
      response = await fetch(`api/${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${this.#token}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        cache: 'no-store',
      })
    } catch {
      throw new AdminError(0, undefined, 'The gateway cannot be reached.')
    }
    if (response.status === 204) return undefined as T
    const body = (await response.json().catch(() => undefined)) as { code?: string; detail?: string; title?: string }
    if (!response.ok)
      throw new AdminError(response.status, body?.code, body?.detail ?? body?.title ?? `HTTP ${response.status}`)
    return body as T
  }

  health = () => this.#call<Health>('health')
  endpoints = () => this.#call<{ endpoints: EndpointRow[] }>('endpoints').then((answer) => answer.endpoints)
  review = (endpoint: { method: string; template: string }, state: ReviewState) =>
    this.#call('endpoints/review', { method: 'PUT', body: { ...endpoint, state } })
  analytics = () => this.#call<AnalyticsSnapshot>('analytics?top=50')
  diff = () => this.#call<EndpointDiff>('diff')
  applyRecommendation = (endpoint: { method: string; template: string }, mode: 'report' | 'enforce') =>
    this.#call<AppliedRuleConfig>('rules', { method: 'POST', body: { ...endpoint, mode } })
  removeRule = (name: string) => this.#call<void>(`rules/${encodeURIComponent(name)}`, { method: 'DELETE' })
  quotas = (consumer: string, groups: string) =>
    this.#call<{ quotas: QuotaUsage[] }>(
      `quotas/${encodeURIComponent(consumer)}?groups=${encodeURIComponent(groups)}`,
    ).then((answer) => answer.quotas)
  resetQuota = (consumer: string, quota: string) =>
    this.#call(`quotas/${encodeURIComponent(consumer)}/reset`, { method: 'POST', body: { quota } })
}

/** Runs an admin call only when its feature is on: `undefined` otherwise. */
export function whenOn<T>(on: boolean, call: () => Promise<T>): Promise<T | undefined> {
  return on ? call() : Promise.resolve(undefined)
}
