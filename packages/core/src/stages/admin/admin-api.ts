import type { GatewayContext } from '../../engine/context'
import { GatewayError } from '../../errors/gateway-error'
import type { Store } from '../../store/store'
import type { DiscoveryAdmin } from '../discovery/discovery-admin'
import type { LimitsAdmin } from '../limits/limits-admin'
import type { TelemetryAdmin } from '../telemetry/build-telemetry'
import { configSummary } from './config-summary'
import { EndpointReviews, type ReviewState, reviewStates } from './endpoint-reviews'

/** What the admin API reports on. */
export interface AdminSources {
  /** The config as written (secrets are masked before it is shown). */
  readonly config: object
  readonly store: Store
  /** `memory`, `redis` or `custom`. */
  readonly storeKind: string
  readonly limits: LimitsAdmin
  readonly discovery: DiscoveryAdmin | undefined
  readonly telemetry: TelemetryAdmin
  /** Whether the config has an OpenAPI document (for the diff), analytics, quotas. */
  readonly has: { readonly openapi: boolean; readonly analytics: boolean; readonly quotas: boolean }
  /** Whether every stage is ready (the OpenAPI document loaded, say). */
  readonly ready: () => boolean
  readonly now: () => number
}

type Handler = (call: AdminCall) => Promise<unknown>

/** One call to the admin API: the context, the path parameters, and the query. */
interface AdminCall {
  readonly ctx: GatewayContext
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
}

interface Resource {
  /** Segments under `api/`; `:name` matches one segment. */
  readonly segments: readonly string[]
  readonly methods: Readonly<Record<string, Handler>>
}

/** An answer with a status other than 200: 201 when a resource made something, 204 with no body. */
export class AdminAnswer {
  constructor(
    readonly status: 201 | 204,
    readonly body: unknown,
  ) {}
}

const storeProbeTimeoutMs = 1_000

function notEnabled(what: string, needs: string): GatewayError {
  return new GatewayError('admin.not_enabled', { detail: `${what} needs ${needs} in the config.` })
}

function badRequest(detail: string): GatewayError {
  return new GatewayError('admin.bad_request', { detail })
}

async function jsonObject(ctx: GatewayContext): Promise<Record<string, unknown>> {
  const body = await ctx.request.body.json()
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('The body must be a JSON object.')
  return body as Record<string, unknown>
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name]
  if (typeof value !== 'string' || value === '') throw badRequest(`"${name}" must be a non-empty string.`)
  return value
}

/** `{ method, template }` from a body: an endpoint as discovery names it. */
function endpointOf(body: Record<string, unknown>): { method: string; template: string } {
  const method = stringField(body, 'method').toUpperCase()
  const template = stringField(body, 'template')
  if (!template.startsWith('/')) throw badRequest('"template" must be a path template starting with "/".')
  return { method, template }
}

function topOf(query: URLSearchParams): number {
  const text = query.get('top')
  if (text === null) return 20
  const top = Number(text)
  if (!Number.isInteger(top) || top < 1 || top > 1000) throw badRequest('"top" must be an integer from 1 to 1000.')
  return top
}

/** Whether the store answers, and how fast; a store that hangs counts as down after a second. */
async function probeStore(store: Store): Promise<{ reachable: boolean; roundTripMs: number | undefined }> {
  const started = performance.now()
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), storeProbeTimeoutMs)
  })
  try {
    const answered = await Promise.race([store.get('admin:health').then(() => true), timeout])
    return { reachable: answered, roundTripMs: answered ? performance.now() - started : undefined }
  } catch {
    return { reachable: false, roundTripMs: undefined }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The admin API's resources, as JSON. Every resource reads what the engine already keeps (discovery,
 * analytics, limits); review states and applied rules live in the store, so a fleet shares them.
 */
export function adminResources(sources: AdminSources): readonly Resource[] {
  const { limits, telemetry } = sources
  const reviews = new EndpointReviews(sources.store)
  const startedAt = sources.now()
  const discovery = (what: string): DiscoveryAdmin => {
    if (sources.discovery === undefined) throw notEnabled(what, 'the discovery section')
    return sources.discovery
  }

  /** The recommended limits, each with the mode its rule was applied in, if it was. */
  async function appliedRecommendations(learned: DiscoveryAdmin) {
    const [found, applied] = await Promise.all([learned.recommendations(), limits.appliedRules()])
    const appliedModes = new Map(applied.map((rule) => [rule.name, rule.mode ?? 'enforce']))
    return found.map((entry) => ({ ...entry, applied: appliedModes.get(entry.rule.name ?? '') }))
  }

  async function endpoints() {
    const learned = discovery('The endpoint list')
    const found = await learned.endpoints()
    const [states, diff, recommendations] = await Promise.all([
      reviews.states(found),
      sources.has.openapi ? learned.diff() : undefined,
      appliedRecommendations(learned),
    ])
    const undocumented = new Set(diff?.shadow.map(({ method, template }) => `${method} ${template}`))
    const recommended = new Map(recommendations.map((entry) => [`${entry.method} ${entry.template}`, entry]))
    return {
      endpoints: found.map((endpoint, index) => {
        const key = `${endpoint.method} ${endpoint.template}`
        const recommendation = recommended.get(key)
        return {
          ...endpoint,
          review: states[index],
          documented: diff === undefined ? undefined : !undocumented.has(key),
          recommendation:
            recommendation === undefined
              ? undefined
              : {
                  threshold: recommendation.threshold,
                  window: recommendation.rule.window,
                  confidence: recommendation.confidence,
                  rule: recommendation.rule.name,
                  applied: recommendation.applied,
                },
        }
      }),
    }
  }

  async function review({ ctx }: AdminCall) {
    const body = await jsonObject(ctx)
    const endpoint = endpointOf(body)
    const state = body.state
    if (!reviewStates.includes(state as ReviewState))
      throw badRequest(`"state" must be one of ${reviewStates.join(', ')}.`)
    await reviews.set(endpoint, state as ReviewState)
    return { ...endpoint, review: state }
  }

  async function openapi({ query }: AdminCall) {
    const include = query.get('include') ?? 'reviewed'
    if (include !== 'reviewed' && include !== 'saved' && include !== 'all')
      throw badRequest('"include" must be reviewed (all but ignored), saved or all.')
    const learned = discovery('The learned OpenAPI document')
    const document = await learned.openapi()
    if (include === 'all') return document
    const found = await learned.endpoints()
    const states = await reviews.states(found)
    const dropped = found.filter((_, index) =>
      include === 'saved' ? states[index] !== 'saved' : states[index] === 'ignored',
    )
    return withoutOperations(document, dropped)
  }

  async function recommendations() {
    return { recommendations: await appliedRecommendations(discovery('Recommended limits')) }
  }

  /** Turns a recommendation (`{ method, template, mode }`) or a whole rule (`{ rule }`) into an active rule. */
  async function applyRule({ ctx }: AdminCall) {
    const body = await jsonObject(ctx)
    if (body.rule !== undefined) return new AdminAnswer(201, await limits.applyRule(body.rule))
    const endpoint = endpointOf(body)
    const mode = body.mode ?? 'report'
    if (mode !== 'report' && mode !== 'enforce') throw badRequest('"mode" must be report or enforce.')
    const found = (await discovery('Applying a recommended limit').recommendations()).find(
      (entry) => entry.method === endpoint.method && entry.template === endpoint.template,
    )
    if (found === undefined)
      throw new GatewayError('admin.rule_invalid', {
        detail: `There is no recommended limit for ${endpoint.method} ${endpoint.template} (yet).`,
      })
    return new AdminAnswer(201, await limits.applyRule({ ...found.rule, mode }))
  }

  async function analytics({ query }: AdminCall) {
    const report = await telemetry.fleetAnalytics(topOf(query))
    if (report === undefined) throw notEnabled('Analytics', 'telemetry.analytics')
    return report
  }

  function quotaConsumer(params: AdminCall['params']): string {
    if (!sources.has.quotas) throw notEnabled('Quota usage', 'the quotas section')
    return params.consumer as string
  }

  async function quotaUsage({ params, query }: AdminCall) {
    const consumer = quotaConsumer(params)
    const groups = (query.get('groups') ?? '').split(',').filter((group) => group !== '')
    return { consumer, groups, quotas: await limits.quotaUsage({ consumer, groups }) }
  }

  async function resetQuota({ ctx, params }: AdminCall) {
    const consumer = quotaConsumer(params)
    const text = await ctx.request.body.text()
    const quota = text.trim() === '' ? undefined : (await jsonObject(ctx)).quota
    if (quota !== undefined && (typeof quota !== 'string' || quota === ''))
      throw badRequest('"quota" must be a quota name.')
    await limits.resetQuota(consumer, quota)
    return { consumer, reset: quota ?? 'all' }
  }

  async function health() {
    const store = await probeStore(sources.store)
    const ready = sources.ready()
    return {
      status: ready && store.reachable ? 'ok' : 'degraded',
      ready,
      // What the config turns on, so a client asks only for what is there.
      features: {
        discovery: sources.discovery !== undefined,
        openapi: sources.has.openapi,
        analytics: sources.has.analytics,
        quotas: sources.has.quotas,
      },
      uptimeSeconds: Math.round((sources.now() - startedAt) / 1000),
      store: { kind: sources.storeKind, shared: sources.store.shared === true, ...store },
      limits: { storeFallbacks: limits.fallbackCounts() },
      telemetry: { accessLog: telemetry.accessLog(), exporters: telemetry.exporters() },
    }
  }

  const resource = (path: string, methods: Resource['methods']): Resource => ({
    segments: path.split('/'),
    methods,
  })
  return [
    resource('health', { GET: health }),
    resource('config', { GET: async () => configSummary(sources.config) }),
    resource('endpoints', { GET: endpoints }),
    resource('endpoints/review', { PUT: review }),
    resource('openapi', { GET: openapi }),
    resource('diff', {
      GET: async () => {
        if (!sources.has.openapi) throw notEnabled('The schema diff', 'an openapi document')
        return (await discovery('The schema diff').diff()) ?? { shadow: [], zombie: [] }
      },
    }),
    resource('recommendations', { GET: recommendations }),
    resource('rules', {
      GET: async () => ({ applied: await limits.appliedRules() }),
      POST: applyRule,
    }),
    resource('rules/:name', {
      DELETE: async ({ params }) => {
        const removed = await limits.removeRule(params.name as string)
        if (!removed)
          throw new GatewayError('admin.not_found', { detail: `No applied rule is named "${params.name}".` })
        return new AdminAnswer(204, undefined)
      },
    }),
    resource('analytics', { GET: analytics }),
    resource('quotas/:consumer', { GET: quotaUsage }),
    resource('quotas/:consumer/reset', { POST: resetQuota }),
  ]
}

/** The learned document less the operations of some endpoints (and paths left with none). */
function withoutOperations(
  document: Record<string, unknown>,
  dropped: readonly { method: string; template: string }[],
): Record<string, unknown> {
  const paths = { ...((document.paths ?? {}) as Record<string, Record<string, unknown>>) }
  for (const { method, template } of dropped) {
    const item = paths[template]
    if (item === undefined) continue
    const { [method.toLowerCase()]: _removed, ...rest } = item
    if (Object.keys(rest).some((key) => key !== 'parameters')) paths[template] = rest
    else delete paths[template]
  }
  return { ...document, paths }
}

/** Finds the resource and handler for a path under `api/`; throws 404 / 405 problems. */
export function dispatchAdmin(
  resources: readonly Resource[],
  method: string,
  segments: readonly string[],
): { handler: Handler; params: Record<string, string> } {
  for (const resource of resources) {
    if (resource.segments.length !== segments.length) continue
    const params: Record<string, string> = {}
    const matches = resource.segments.every((part, index) => {
      const segment = segments[index] as string
      if (part.startsWith(':')) {
        params[part.slice(1)] = segment
        return segment !== ''
      }
      return part === segment
    })
    if (!matches) continue
    const handler = resource.methods[method === 'HEAD' ? 'GET' : method]
    if (handler === undefined)
      throw new GatewayError('admin.method_not_allowed', {
        detail: `${segments.join('/')} takes ${Object.keys(resource.methods).join(', ')}.`,
        headers: { allow: Object.keys(resource.methods).join(', ') },
      })
    return { handler, params }
  }
  throw new GatewayError('admin.not_found', { detail: 'No admin resource has this path.' })
}

export type { AdminCall, Resource }
