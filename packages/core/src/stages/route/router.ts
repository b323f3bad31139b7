import type { GatewayContext } from '../../engine/context'
import type { ResponseHeaderList } from '../../engine/engine'
import { proceed, type Stage, type StageDecision } from '../../engine/stage'
import { GatewayError } from '../../errors/gateway-error'
import type { LifecycleEmitter } from '../../events/event-emitter'
import type { RoutePattern } from '../../matching/route-pattern'
import type { HeaderTransform } from './header-transform'
import { handlerRequest, type RouteHandler } from './in-process-handler'
import { onwardBody } from './onward-body'
import { type ForwardedHeaderStyle, upstreamRequestHeaders } from './proxy-headers'
import { nullBodyStatus, type ResponseCache, type RouteCachePolicy } from './response-cache'
import { type CompiledUpstream, callUpstream, type UpstreamAnswer } from './upstream-call'
import type { PathRewriter } from './upstream-path'

/** Where a route sends its requests. */
export type RouteDestination =
  | { readonly kind: 'upstream'; readonly upstream: CompiledUpstream }
  | { readonly kind: 'handler'; readonly handler: RouteHandler }

/** One route, compiled for the request path. */
export interface CompiledRoute {
  readonly name: string
  readonly pattern: RoutePattern
  /** Whether a request's host (port aside, lowercase) is the route's; `undefined` for any host. */
  readonly host: ((hostname: string) => boolean) | undefined
  readonly path: PathRewriter
  readonly query: ((rawQuery: string) => string) | undefined
  readonly requestHeaders: HeaderTransform | undefined
  readonly responseHeaders: HeaderTransform | undefined
  readonly cache: RouteCachePolicy | undefined
  readonly destination: RouteDestination
}

/** What the engine would hand the app: the routes send the same on. */
export interface OnwardView {
  /** The canonical target, credentials stripped from the query. */
  readonly target: string
  readonly stripHeaders: readonly string[]
  readonly setHeaders: ResponseHeaderList
}

/** The routes, compiled; `stage` puts them at the end of the `route` phase. */
export class Router {
  readonly #routes: readonly CompiledRoute[]
  readonly #cache: ResponseCache | undefined
  readonly #forwarded: ForwardedHeaderStyle
  readonly #upstreams: readonly CompiledUpstream[]
  readonly #events: LifecycleEmitter

  constructor(
    routes: readonly CompiledRoute[],
    upstreams: readonly CompiledUpstream[],
    cache: ResponseCache | undefined,
    forwarded: ForwardedHeaderStyle,
    events: LifecycleEmitter,
  ) {
    this.#events = events
    this.#routes = routes
    this.#upstreams = upstreams
    this.#cache = cache
    this.#forwarded = forwarded
  }

  /** The stage that routes; `onward` tells it what the app would have received. */
  stage(onward: (ctx: GatewayContext) => OnwardView): Stage {
    return {
      name: 'route',
      phase: 'route',
      run: (ctx) => {
        const route = this.match(ctx)
        return route === undefined ? proceed : this.#dispatch(route, ctx, onward(ctx))
      },
      close: () => this.close(),
    }
  }

  /** The first route that matches the request (routes are tried in order). */
  match(ctx: GatewayContext): CompiledRoute | undefined {
    const { method, path, headers } = ctx.request
    let hostname: string | undefined
    for (const route of this.#routes) {
      if (!route.pattern.matches(method, path)) continue
      if (route.host !== undefined) {
        hostname ??= hostnameOf(headers.get('host'))
        if (!route.host(hostname)) continue
      }
      return route
    }
    return undefined
  }

  /** Starts the active health checks. */
  start(): void {
    for (const upstream of this.#upstreams) upstream.health?.start()
  }

  async close(): Promise<void> {
    for (const upstream of this.#upstreams) upstream.health?.stop()
    await Promise.all(this.#upstreams.map((upstream) => upstream.pool.close()))
  }

  async #dispatch(route: CompiledRoute, ctx: GatewayContext, onward: OnwardView): Promise<StageDecision> {
    const { request } = ctx
    const queryStart = onward.target.indexOf('?')
    const rawQuery = queryStart === -1 ? '' : onward.target.slice(queryStart + 1)
    const query = route.query === undefined ? rawQuery : route.query(rawQuery)
    const path = route.path(request.path, request.encodedPath)
    const target = query === '' ? path : `${path}?${query}`
    const cache = route.cache === undefined ? undefined : this.#cache
    const cacheKey =
      cache === undefined || (request.method !== 'GET' && request.method !== 'HEAD')
        ? undefined
        : await cache.keyFor(ctx, route.name, target, route.cache as RouteCachePolicy)
    if (cacheKey !== undefined) {
      const hit = await (cache as ResponseCache).lookup(cacheKey, ctx)
      if (hit !== undefined) {
        this.#routed(ctx, route, 'cache', target, hit.status, undefined)
        return { action: 'respond', response: hit, answeredBy: 'cache' }
      }
    }
    const answer = await this.#answer(route, ctx, onward, target)
    let { status, headers: responseHeaders, body: responseBody } = answer
    if (request.method === 'HEAD' || nullBodyStatus(status)) {
      await responseBody?.cancel().catch(() => {})
      responseBody = null
    }
    route.responseHeaders?.(responseHeaders)
    if (cacheKey !== undefined) {
      responseBody = (cache as ResponseCache).capture(
        cacheKey,
        ctx,
        { status, headers: responseHeaders, body: responseBody },
        route.cache as RouteCachePolicy,
      )
      responseHeaders.set('x-cache', 'MISS')
    }
    // A handler's own Response goes out as it is when nothing above replaced its body: no copy.
    const response =
      answer.response !== undefined && responseBody === answer.body
        ? answer.response
        : new Response(responseBody, { status, headers: responseHeaders })
    this.#routed(ctx, route, route.destination.kind, target, status, answer.origin)
    return { action: 'respond', response, answeredBy: route.destination.kind }
  }

  #routed(
    ctx: GatewayContext,
    route: CompiledRoute,
    answeredBy: 'upstream' | 'handler' | 'cache',
    target: string,
    status: number,
    origin: string | undefined,
  ): void {
    if (!this.#events.has('request.routed')) return
    this.#events.emit('request.routed', {
      ctx,
      route: route.name,
      answeredBy,
      target,
      status,
      ...(origin === undefined ? {} : { origin }),
    })
  }

  /** The answer of the route's upstream or handler, sent the onward request. */
  async #answer(
    route: CompiledRoute,
    ctx: GatewayContext,
    onward: OnwardView,
    target: string,
  ): Promise<UpstreamAnswer> {
    const { destination } = route
    const headers = upstreamRequestHeaders(ctx, onward, destination.kind === 'handler' ? 'none' : this.#forwarded)
    route.requestHeaders?.(headers)
    const body = await onwardBody(ctx)
    if (destination.kind === 'upstream') return callUpstream(destination.upstream, ctx, { target, headers, body })
    const answer = await destination.handler(handlerRequest(ctx, target, headers, body.source), {
      gateway: ctx,
      params: route.pattern.capture(ctx.request.path)?.params ?? {},
      route: route.name,
    })
    if (!(answer instanceof Response))
      throw new GatewayError('gateway.internal_error', {
        detail: `The "${route.name}" handler did not return a Response.`,
      })
    return handlerAnswer(answer)
  }
}

/**
 * A handler's response as an answer: its headers are edited in place when they may be (those of
 * `Response.redirect()` and `Response.error()` may not, and are copied).
 */
function handlerAnswer(response: Response): UpstreamAnswer {
  try {
    response.headers.delete('x-portcullis-probe')
    return { status: response.status, headers: response.headers, body: response.body, response }
  } catch {
    return { status: response.status, headers: new Headers(response.headers), body: response.body }
  }
}

/** The host name of a `Host` header: lowercase, port and IPv6 brackets removed. */
function hostnameOf(host: string | null): string {
  if (host === null) return ''
  const lower = host.toLowerCase()
  if (lower.startsWith('[')) return lower.slice(1, Math.max(1, lower.indexOf(']')))
  const colon = lower.indexOf(':')
  return colon === -1 ? lower : lower.slice(0, colon)
}
