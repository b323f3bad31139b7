import { parseByteSize } from '../../config/byte-size'
import { parseDuration } from '../../config/duration'
import type { GatewayConfig } from '../../config/schema'
import type { RouteConfig, UpstreamConfig } from '../../config/sections/routes-schema'
import { withoutQueryParams } from '../../engine/onward-request'
import type { LifecycleEmitter } from '../../events/event-emitter'
import { compileRoutePattern, routePatternProblem } from '../../matching/route-pattern'
import type { Store } from '../../store/store'
import type { BuildContext } from '../build-context'
import { memoryCacheStorage, storeCacheStorage } from './cache-storage'
import { fetchTransport } from './fetch-transport'
import { compileHeaderTransform, headerTransformProblems } from './header-transform'
import { HealthChecker } from './health-checker'
import { ResponseCache } from './response-cache'
import { type CompiledRoute, type RouteDestination, Router } from './router'
import type { CompiledUpstream } from './upstream-call'
import { compilePathRewrite, templateParameters } from './upstream-path'
import { UpstreamPool, type UpstreamTarget } from './upstream-pool'
import type { UpstreamTransportFactory } from './upstream-transport'

/** What building the routes needs besides the config. */
export interface RouteBuildOptions {
  readonly store: Store
  readonly events: LifecycleEmitter
  readonly transport: UpstreamTransportFactory | undefined
}

/** A duration the schema already checked, in ms. */
const durationMs = (value: string) => parseDuration(value) as number

const hostToken = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/

/**
 * Compiles the `routes` and `cache` sections into the router, or `undefined` when there are no
 * routes. Problems go to the build context, each with its config path.
 */
export function buildRouter(
  config: GatewayConfig,
  options: RouteBuildOptions,
  build: BuildContext,
): Router | undefined {
  const section = config.routes
  if (section === undefined) {
    if (config.cache !== undefined)
      build.problem('cache', 'has no effect without routes: routes say which responses to cache')
    return undefined
  }
  const listed = Array.isArray(section)
  const rules = listed ? section : section.rules
  const path = listed ? 'routes' : 'routes.rules'
  const transport = options.transport ?? fetchTransport
  const named = new Map<string, CompiledUpstream>()
  const byUrl = new Map<string, CompiledUpstream>()
  const all: CompiledUpstream[] = []
  const compileUpstream = (name: string, upstream: UpstreamConfig, at: string) => {
    const compiled = compileUpstreamConfig(name, upstream, at, transport, build)
    all.push(compiled)
    return compiled
  }
  if (!listed) {
    for (const [name, upstream] of Object.entries(section.upstreams ?? {}))
      named.set(name, compileUpstream(name, upstream, `routes.upstreams.${name}`))
  }
  const cache = buildCache(config, options.store, build)
  const names = new Set<string>()
  const routes: CompiledRoute[] = []
  rules.forEach((rule, index) => {
    const at = `${path}[${index}]`
    const name = rule.name ?? `route-${index}`
    if (names.has(name)) build.problem(`${at}.name`, `"${name}" names another route too`)
    names.add(name)
    let destination: RouteDestination | undefined
    if (rule.upstream !== undefined && rule.handler !== undefined) {
      build.problem(at, 'has both upstream and handler: give one')
    } else if (rule.handler !== undefined) {
      destination = { kind: 'handler', handler: rule.handler }
    } else if (typeof rule.upstream === 'object') {
      destination = { kind: 'upstream', upstream: compileUpstream(name, rule.upstream, `${at}.upstream`) }
    } else if (typeof rule.upstream === 'string') {
      const reference = rule.upstream
      let upstream = named.get(reference) ?? byUrl.get(reference)
      if (upstream === undefined && reference.includes('://')) {
        upstream = compileUpstream(reference, { targets: [reference] }, `${at}.upstream`)
        byUrl.set(reference, upstream)
      }
      if (upstream === undefined)
        build.problem(`${at}.upstream`, `names no upstream in routes.upstreams: "${reference}"`)
      else destination = { kind: 'upstream', upstream }
    } else {
      build.problem(at, 'needs an upstream or a handler')
    }
    const compiled = compileRoute(rule, name, at, build)
    if (destination !== undefined && compiled !== undefined) {
      if (rule.cache !== undefined && rule.cache !== false && cache === undefined)
        build.problem(`${at}.cache`, 'needs the cache section, e.g. cache: { maxEntries: 10000 }')
      routes.push({ ...compiled, destination, cache: routeCachePolicy(rule, config) })
    }
  })
  const router = new Router(
    routes,
    all,
    cache,
    listed ? 'x-forwarded' : (section.forwardedHeaders ?? 'x-forwarded'),
    options.events,
  )
  build.whenValid(() => router.start())
  return router
}

function compileRoute(
  rule: RouteConfig,
  name: string,
  at: string,
  build: BuildContext,
): Omit<CompiledRoute, 'destination' | 'cache'> | undefined {
  if (routePatternProblem(rule.match) !== undefined) return undefined
  const pattern = compileRoutePattern(rule.match)
  if (rule.rewrite !== undefined) {
    if (rule.stripPrefix !== undefined || rule.addPrefix !== undefined)
      build.problem(`${at}.rewrite`, 'cannot be combined with stripPrefix or addPrefix: write the whole path')
    const matched = new Set(templateParameters(rule.match.slice(rule.match.indexOf('/'))))
    const hasRest = rule.match.split('/').includes('**')
    for (const parameter of templateParameters(rule.rewrite)) {
      if (parameter === '**' ? !hasRest : !matched.has(parameter))
        build.problem(`${at}.rewrite`, `uses {${parameter}}, which the match does not have`)
    }
  }
  for (const key of ['requestHeaders', 'responseHeaders'] as const) {
    const transform = rule[key]
    if (transform !== undefined)
      for (const [subPath, message] of headerTransformProblems(transform))
        build.problem(`${at}.${key}.${subPath}`, message)
  }
  const host = rule.host?.toLowerCase()
  return {
    name,
    pattern,
    host:
      host === undefined
        ? undefined
        : host.startsWith('*.')
          ? (hostname) => hostname.endsWith(host.slice(1))
          : (hostname) => hostname === host,
    path: compilePathRewrite(pattern, rule),
    query: compileQueryEdits(rule.query),
    requestHeaders: compileHeaderTransform(rule.requestHeaders),
    responseHeaders: compileHeaderTransform(rule.responseHeaders),
  }
}

function compileQueryEdits(edits: RouteConfig['query']): ((rawQuery: string) => string) | undefined {
  if (edits === undefined) return undefined
  const added = Object.entries(edits.add ?? {})
  const removed = new Set([...(edits.remove ?? []), ...added.map(([name]) => name)])
  const suffix = added.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')
  return (rawQuery) => {
    const kept = withoutQueryParams(rawQuery, removed)
    return kept === '' ? suffix : suffix === '' ? kept : `${kept}&${suffix}`
  }
}

function compileUpstreamConfig(
  name: string,
  config: UpstreamConfig,
  at: string,
  transport: UpstreamTransportFactory,
  build: BuildContext,
): CompiledUpstream {
  const timeouts = {
    connectMs: durationMs(config.timeouts?.connect ?? '5s'),
    headersMs: durationMs(config.timeouts?.headers ?? '30s'),
    bodyMs: durationMs(config.timeouts?.body ?? '30s'),
  }
  const connections = config.connections ?? 64
  const targets: UpstreamTarget[] = []
  config.targets.forEach((entry, index) => {
    const raw = typeof entry === 'string' ? entry : entry.url
    const url = parseTargetUrl(raw)
    if (typeof url === 'string') {
      build.problem(`${at}.targets[${index}]`, url)
      return
    }
    targets.push({
      origin: url.origin,
      basePath: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, ''),
      host: url.host,
      weight: typeof entry === 'string' ? 1 : (entry.weight ?? 1),
      transport: transport({ origin: url.origin, connections, timeouts }),
      inFlight: 0,
      failures: 0,
      ejectedUntil: 0,
      healthy: true,
      credit: 0,
    })
  })
  const hostHeader = config.hostHeader ?? 'upstream'
  if (hostHeader !== 'upstream' && hostHeader !== 'preserve' && !hostToken.test(hostHeader))
    build.problem(`${at}.hostHeader`, 'must be upstream, preserve or a host name')
  const pool = new UpstreamPool(
    name,
    targets,
    config.balance ?? 'round-robin',
    {
      failures: config.passiveHealth?.failures ?? 3,
      ejectForMs: durationMs(config.passiveHealth?.ejectFor ?? '30s'),
    },
    build.clock,
  )
  const check = config.healthCheck
  return {
    pool,
    retries: config.retries ?? 1,
    hostHeader,
    health:
      check === undefined
        ? undefined
        : new HealthChecker(pool, {
            path: check.path,
            intervalMs: durationMs(check.interval ?? '10s'),
            timeoutMs: durationMs(check.timeout ?? '2s'),
            unhealthyAfter: check.unhealthyAfter ?? 2,
            healthyAfter: check.healthyAfter ?? 2,
          }),
  }
}

/** The target URL, or why it cannot be one: http(s), no credentials, query or fragment. */
function parseTargetUrl(raw: string): URL | string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'is not a URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL'
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: set a header in requestHeaders'
  if (url.search !== '' || url.hash !== '') return 'must not have a query or fragment: use query.add'
  return url
}

function buildCache(config: GatewayConfig, store: Store, build: BuildContext): ResponseCache | undefined {
  const section = config.cache
  if (section === undefined) return undefined
  const maxBytes = parseByteSize(section.maxBytes ?? '64mb') as number
  const maxEntryBytes = parseByteSize(section.maxEntryBytes ?? '1mb') as number
  if (maxEntryBytes > maxBytes) build.problem('cache.maxEntryBytes', 'must not exceed cache.maxBytes')
  return new ResponseCache({
    storage:
      section.shared === true ? storeCacheStorage(store) : memoryCacheStorage(section.maxEntries ?? 10_000, maxBytes),
    maxEntryBytes,
    clock: build.clock,
  })
}

function routeCachePolicy(rule: RouteConfig, config: GatewayConfig): CompiledRoute['cache'] {
  const setting = rule.cache
  if (setting === undefined || setting === false) return undefined
  const fallback = config.cache?.ttl ?? '60s'
  if (setting === true) return { ttlMs: durationMs(fallback), public: false }
  return { ttlMs: durationMs(setting.ttl ?? fallback), public: setting.public ?? false }
}
