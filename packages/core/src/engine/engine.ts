import { type ResolveConfigOptions, type ResolvedGatewayConfig, resolveConfig } from '../config/resolve-config'
import type { GatewayConfig } from '../config/schema'
import { GatewayError, isGatewayError } from '../errors/gateway-error'
import { toProblemResponse } from '../errors/problem'
import type { LifecycleEmitter } from '../events/event-emitter'
import { type BodyLimits, createRequestBody } from '../request/body'
import { type CanonicalTarget, canonicalizeTarget } from '../request/canonical-path'
import { forwardingHeaders, resolveClientAddress } from '../request/client-ip'
import { createGatewayRequest, type RawRequest } from '../request/gateway-request'
import { isAcceptableRequestId, newRequestId } from '../request/request-id'
import { parseTraceparent } from '../request/trace-context'
import type { DiscoveryAdmin } from '../stages/discovery/discovery-admin'
import type { LimitsAdmin } from '../stages/limits/limits-admin'
import type { OnwardView } from '../stages/route/router'
import type { TelemetryAdmin } from '../stages/telemetry/build-telemetry'
import type { Store } from '../store/store'
import { type GatewayContext, RequestContext } from './context'
import { type OnwardEdits, withoutCookies, withoutQueryParams } from './onward-request'
import { phases } from './phases'
import { createReceiveStages } from './receive-stages'
import type { Stage, StageDecision } from './stage'

/** What the adapter does next with a request. */
export type Outcome =
  | {
      /** The app's own handlers run next. */
      readonly kind: 'continue'
      readonly ctx: GatewayContext
      /** The canonical request target (encoded path and raw query) the app must see. */
      readonly target: string
      /** Request headers the adapter removes before the app sees them (spoofed forwarding headers, stripped credentials). */
      readonly stripHeaders: readonly string[]
      /** Request headers the adapter sets, after removing those (identity headers, a rewritten Cookie). */
      readonly setHeaders: ResponseHeaderList
      /** Headers the adapter adds to the app's response: the request id, and any a stage added. */
      readonly responseHeaders: ResponseHeaderList
    }
  | {
      /** The gateway answers: a denial, an upstream's or handler's response, a cached one. */
      readonly kind: 'respond'
      readonly ctx: GatewayContext
      /** The response to write, with the context's response headers already on it. */
      readonly response: Response
    }

/** Response headers as `[name, value]` pairs; `set-cookie` may repeat, every other name is set once. */
export type ResponseHeaderList = readonly (readonly [string, string])[]

/** What an adapter reports once the response has finished. */
export interface CompletedResponse {
  readonly status: number
  /** Body bytes written, when known. */
  readonly bytes?: number | undefined
  /** The framework's route template for the handler that answered, when it knows one. */
  readonly routeTemplate?: string | undefined
  /** The response's Content-Type, when the adapter kept the body. */
  readonly contentType?: string | undefined
  /** A copy of the body (up to {@link maxCapturedBodyBytes}), when a stage asked for bodies. */
  readonly body?: Uint8Array | undefined
}

/** The most response-body bytes adapters copy for stages that look at bodies. */
export const maxCapturedBodyBytes = 1024 * 1024

/** The gateway engine: one per `gateway(config)`; adapters drive it. */
export interface Engine {
  /** The resolved configuration. */
  readonly config: ResolvedGatewayConfig
  /** The store everything stateful goes through. */
  readonly store: Store
  /** The lifecycle event stream. */
  readonly events: LifecycleEmitter
  /** Quota usage and resets, and the counts of requests store outages let through or refused. */
  readonly limits: LimitsAdmin
  /** What discovery learned from traffic; `undefined` unless the `discovery` section is on. */
  readonly discovery: DiscoveryAdmin | undefined
  /** The counts of the telemetry outputs (access log lines written and dropped). */
  readonly telemetry: TelemetryAdmin
  /** Whether adapters should keep a (bounded) copy of response bodies for {@link Engine.complete}. */
  readonly capturesResponseBodies: boolean
  /**
   * Settles when every stage is ready (an OpenAPI document loaded, say); rejects with a ConfigError
   * when one cannot start. Requests that arrive earlier wait.
   */
  ready(): Promise<void>
  /** Runs the stages for one request. Never rejects: failures become problem responses. */
  handle(raw: RawRequest): Promise<Outcome>
  /** Reports a finished response; call once per handled request. Off the request's critical path. */
  complete(ctx: GatewayContext, response: CompletedResponse): void
  /** Releases what the engine opened (its own store, timers). */
  close(): Promise<void>
}

const noHeaders: readonly string[] = []
const noHeaderPairs: ResponseHeaderList = []

class GatewayEngine implements Engine {
  readonly config: ResolvedGatewayConfig
  readonly events: LifecycleEmitter
  readonly #stages: readonly Stage[]
  /** The stages that decide on requests (those with `run`), in order. */
  readonly #deciding: readonly (Stage & Required<Pick<Stage, 'run'>>)[]
  readonly #ownsStore: boolean
  readonly #bodyLimits: BodyLimits
  /** Headers removed from requests whose peer is not a trusted proxy. */
  readonly #proxyOnlyHeaders: readonly string[]
  readonly #ready: Promise<void>
  readonly capturesResponseBodies: boolean

  constructor(config: ResolvedGatewayConfig) {
    this.config = config
    this.events = config.events
    this.#ownsStore = config.store !== config.source.store
    this.#bodyLimits = { maxBytes: config.maxBodyBytes, maxJsonDepth: config.maxJsonDepth }
    const ordered = [...config.stages].sort((a, b) => phases.indexOf(a.phase) - phases.indexOf(b.phase))
    // Routes answer last, after the app's own route-phase stages, with what the app would have received.
    const routing = config.router?.stage((ctx) => this.#onwardView(ctx as RequestContext))
    this.#stages = [
      ...createReceiveStages((ctx) => (ctx as RequestContext).targetRejection, config.maxBodyBytes),
      ...ordered,
      ...(routing === undefined ? [] : [routing]),
    ]
    this.#deciding = this.#stages.filter(
      (stage): stage is Stage & Required<Pick<Stage, 'run'>> => stage.run !== undefined,
    )
    this.capturesResponseBodies = ordered.some((stage) => stage.wantsResponseBodies === true)
    this.#ready = Promise.all(ordered.map((stage) => stage.ready)).then(() => undefined)
    // Whoever never asks for readiness must not get an unhandled rejection: ready() hands it on.
    this.#ready.catch(() => {})
    this.#proxyOnlyHeaders = [
      ...new Set([...forwardingHeaders, ...ordered.flatMap((stage) => stage.proxyHeaders ?? [])]),
    ]
    // Node loads its Fetch classes on first use (~40 ms): pay that at start-up, not on the first denial.
    new Response(null, { headers: new Headers() })
  }

  get limits(): LimitsAdmin {
    return this.config.limits
  }

  get discovery(): DiscoveryAdmin | undefined {
    return this.config.discovery
  }

  get telemetry(): TelemetryAdmin {
    return this.config.telemetry
  }

  get store(): Store {
    return this.config.store
  }

  ready(): Promise<void> {
    return this.#ready.then(() => undefined)
  }

  async handle(raw: RawRequest): Promise<Outcome> {
    const { ctx, canonical } = this.#createContext(raw)
    if (this.events.has('request.received')) this.events.emit('request.received', { ctx })
    // One clock reading per stage: a stage starts when the one before it ended.
    let started = performance.now()
    for (const stage of this.#deciding) {
      let decision: StageDecision
      let cause: unknown
      try {
        const result = stage.run(ctx)
        decision = result instanceof Promise ? await result : result
      } catch (error) {
        if (isGatewayError(error)) {
          decision = { action: 'deny', error }
        } else {
          cause = error
          decision = { action: 'deny', error: new GatewayError('gateway.internal_error', { cause: error }) }
        }
      }
      const ended = performance.now()
      const durationMs = ended - started
      const enforced =
        decision.action !== 'deny' || cause !== undefined || (stage.mode !== 'report' && decision.enforce !== false)
      ctx.timings.push({
        stage: stage.name,
        phase: stage.phase,
        startMs: started - ctx.startTime,
        durationMs,
        action: decision.action,
        enforced,
      })
      started = ended
      if (this.events.has('stage.decision')) {
        this.events.emit('stage.decision', {
          ctx,
          stage: stage.name,
          phase: stage.phase,
          action: decision.action,
          enforced,
          durationMs,
          ...(decision.action === 'deny' ? { error: decision.error } : {}),
          ...(cause === undefined ? {} : { cause }),
        })
        // The listeners' time is no stage's.
        started = performance.now()
      }
      if (decision.action === 'respond') {
        ctx.answeredBy = decision.answeredBy ?? 'gateway'
        return { kind: 'respond', ctx, response: withHeaders(decision.response, this.#responseHeaders(ctx)) }
      }
      if (decision.action === 'deny' && enforced) {
        ctx.answeredBy = decision.answeredBy ?? 'gateway'
        ctx.denial = decision.error
        return {
          kind: 'respond',
          ctx,
          response: withHeaders(toProblemResponse(decision.error, ctx.requestId), this.#responseHeaders(ctx)),
        }
      }
    }
    const onward = this.#onwardView(ctx)
    if (canonical !== undefined && raw.routesCanonically !== undefined && !raw.routesCanonically(canonical)) {
      ctx.answeredBy = 'gateway'
      return { kind: 'respond', ctx, response: canonicalRedirect(onward.target, this.#responseHeaders(ctx)) }
    }
    return { kind: 'continue', ctx, ...onward, responseHeaders: this.#responseHeaders(ctx) }
  }

  /** The request as it goes on: the canonical target less stripped query credentials, and the header edits. */
  #onwardView(ctx: RequestContext): OnwardView {
    const { request } = ctx
    const edits = ctx.onwardEdits
    const query =
      edits === undefined ? request.rawQuery : withoutQueryParams(request.rawQuery, edits.removedQueryParams)
    const target = query === '' ? request.encodedPath : `${request.encodedPath}?${query}`
    const untrusted = ctx.peerTrusted ? noHeaders : this.#presentHeaders(ctx, this.#proxyOnlyHeaders)
    return { target, ...onwardHeaders(ctx, untrusted, edits) }
  }

  complete(ctx: GatewayContext, response: CompletedResponse): void {
    if (!(ctx instanceof RequestContext) || ctx.completed) return
    ctx.completed = true
    const durationMs = performance.now() - ctx.startTime
    ctx.durationMs = durationMs
    for (const stage of this.#stages) {
      if (stage.complete === undefined) continue
      try {
        stage.complete(ctx, response, this.events)
      } catch (error) {
        // complete() runs after the response: a failing observer must not reach the adapter.
        console.error(`[portcullis] the "${stage.name}" stage failed after a response`, error)
      }
    }
    if (!this.events.has('request.responded')) return
    this.events.emit('request.responded', {
      ctx,
      status: response.status,
      bytes: response.bytes,
      durationMs,
      answeredBy: ctx.answeredBy,
      routeTemplate: response.routeTemplate,
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.#stages.map((stage) => stage.close?.()))
    if (this.#ownsStore) await this.config.store.close()
  }

  /** Which of the named headers the request carries. */
  #presentHeaders(ctx: GatewayContext, names: readonly string[]): readonly string[] {
    const present = names.filter((name) => ctx.request.headers.has(name))
    return present.length === 0 ? noHeaders : present
  }

  /** The request id header, then whatever the stages added. */
  #responseHeaders(ctx: RequestContext): ResponseHeaderList {
    const idHeader: readonly [string, string] = [this.config.requestIdHeader, ctx.requestId]
    const added = ctx.addedResponseHeaders
    return added === undefined ? [idHeader] : [idHeader, ...added]
  }

  #createContext(raw: RawRequest): { ctx: RequestContext; canonical: CanonicalTarget | undefined } {
    const { config } = this
    const canonical = canonicalizeTarget(raw.target)
    const address = resolveClientAddress(raw.remoteAddress, raw.headers, config.trust)
    const request = createGatewayRequest(raw, {
      path: canonical.ok ? canonical.target.path : '',
      encodedPath: canonical.ok ? canonical.target.encodedPath : '',
      rawQuery: canonical.ok ? canonical.target.query : '',
      ip: address.ip,
      peerIp: address.peerIp,
      viaTrustedProxy: address.peerTrusted,
      body: createRequestBody(raw.body, this.#bodyLimits),
    })
    const trace = parseTraceparent(raw.headers.get('traceparent'))
    let requestId: string | undefined
    if (config.trustIncomingRequestId) {
      const incoming = raw.headers.get(config.requestIdHeader)
      requestId = isAcceptableRequestId(incoming) ? incoming : trace?.traceId
    }
    const ctx = new RequestContext(request, requestId ?? newRequestId(), trace, config.clock)
    if (!canonical.ok) ctx.targetRejection = canonical.rejection
    ctx.peerTrusted = address.peerTrusted
    return { ctx, canonical: canonical.ok ? canonical.target : undefined }
  }
}

/** The header changes for the request that goes on: spoofed proxy headers and the stages' edits. */
function onwardHeaders(
  ctx: GatewayContext,
  untrusted: readonly string[],
  edits: OnwardEdits | undefined,
): { stripHeaders: readonly string[]; setHeaders: ResponseHeaderList } {
  if (edits === undefined) return { stripHeaders: untrusted, setHeaders: noHeaderPairs }
  // A name may appear twice in the strip list: adapters remove each, and removing twice is harmless.
  const strip = [...untrusted, ...edits.removedHeaders, ...edits.setHeaders.keys()]
  const set: [string, string][] = [...edits.setHeaders]
  if (edits.removedCookies.size > 0) {
    const cookie = ctx.request.headers.get('cookie')
    const kept = cookie === null ? undefined : withoutCookies(cookie, edits.removedCookies)
    strip.push('cookie')
    if (kept !== undefined) set.push(['cookie', kept])
  }
  return { stripHeaders: strip, setHeaders: set }
}

/** The permanent, method-preserving redirect to the canonical target. */
function canonicalRedirect(target: string, headers: ResponseHeaderList): Response {
  const response = new Response(null, { status: 308, headers: { location: target, 'content-length': '0' } })
  return withHeaders(response, headers)
}

/** Puts response headers on a Headers object: `set-cookie` appended, every other name set. */
export function applyResponseHeaders(target: Headers, headers: ResponseHeaderList): void {
  for (const [name, value] of headers) {
    if (name === 'set-cookie') target.append(name, value)
    else target.set(name, value)
  }
}

/** Adds the context's response headers to a response, copying it when its headers are immutable. */
function withHeaders(response: Response, headers: ResponseHeaderList): Response {
  try {
    applyResponseHeaders(response.headers, headers)
    return response
  } catch {
    const copy = new Headers(response.headers)
    applyResponseHeaders(copy, headers)
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers: copy })
  }
}

/**
 * Creates the gateway engine from a config. Throws a {@link ConfigError} listing every problem
 * when the config is invalid, so nothing is ever served with a broken config.
 *
 * @example
 * ```ts
 * const engine = createEngine({ trustedProxies: ['loopback'] })
 * ```
 */
export function createEngine(config: GatewayConfig, options?: ResolveConfigOptions): Engine {
  return new GatewayEngine(resolveConfig(config, options))
}
