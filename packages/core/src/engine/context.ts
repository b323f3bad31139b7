import type { GatewayError } from '../errors/gateway-error'
import type { TargetRejection } from '../request/canonical-path'
import type { GatewayRequest } from '../request/gateway-request'
import { newTraceId, type TraceContext } from '../request/trace-context'
import type { Clock } from './clock'
import { OnwardEdits, type OnwardRequest } from './onward-request'
import type { Phase } from './phases'
import type { Principal } from './principal'
import { ResponseHeaderFields, type ResponseHeaders } from './response-headers'

/**
 * Values stages share with later stages and with the app. Empty here: stage modules add their
 * own keys by declaration merging.
 *
 * @example
 * ```ts
 * declare module '@portcullis/core' { interface GatewayVariables { tenant?: string } }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by stage modules and apps
export interface GatewayVariables {}

/** The OpenAPI operation a request matched. */
export interface MatchedOperation {
  /** The operationId, when the document gives one. */
  readonly id: string | undefined
  readonly method: string
  /** The path template as the document writes it, e.g. `/hotels/{id}`: low-cardinality, for keys and metrics. */
  readonly template: string
  /** The path parameters, decoded. */
  readonly pathParams: Readonly<Record<string, string>>
  /**
   * The operation's security requirements (its own, or the document's): alternatives, each needing
   * all of its schemes. `[]` means the operation needs no credentials; `undefined`, that the document
   * does not say.
   */
  readonly security: readonly (readonly OperationSecurityScheme[])[] | undefined
}

/** One scheme of a security requirement, with the kind of credential it asks for. */
export interface OperationSecurityScheme {
  /** The name in `components.securitySchemes`. */
  readonly name: string
  /** `apiKey`, `bearer` (http bearer, oauth2, openIdConnect), `mutualTLS`, or `other` (e.g. http basic). */
  readonly kind: 'apiKey' | 'bearer' | 'mutualTLS' | 'other'
  /** Scopes the requirement lists for it (oauth2, openIdConnect). */
  readonly scopes: readonly string[]
}

/** Who answered a request. */
export type AnsweredBy = 'app' | 'gateway' | 'upstream' | 'handler' | 'cache' | 'admin'

/** How long one stage took and what it decided. */
export interface StageTiming {
  readonly stage: string
  readonly phase: Phase
  /** When the stage started, in ms since the gateway received the request. */
  readonly startMs: number
  readonly durationMs: number
  readonly action: 'continue' | 'respond' | 'deny'
  /** False for a denial in report mode. */
  readonly enforced: boolean
}

/** Everything the gateway knows about one request, shared by the stages and handed to the app. */
export interface GatewayContext {
  /** The request view. */
  readonly request: GatewayRequest
  /** The request id: an acceptable incoming `x-request-id`, else the `traceparent` trace id, else a new UUID. */
  readonly requestId: string
  /** The W3C trace context: the incoming one, or a new trace. */
  readonly trace: TraceContext
  /** When the gateway received the request, in ms since the epoch by the gateway's clock. */
  readonly receivedAt: number
  /** The gateway's clock. */
  now(): number
  /** Who the caller is, once authentication has found out. */
  principal: Principal | undefined
  /** The API operation the request is for, once the OpenAPI document has matched it. */
  operation: MatchedOperation | undefined
  /** The stages that ran so far, in order. */
  readonly timings: readonly StageTiming[]
  /**
   * Who answers the request: the app behind the gateway, the gateway itself (a denial, a stage's
   * response), a route (its upstream, its in-process handler, or the response cache), or the admin
   * API (which discovery and analytics leave out).
   */
  readonly answeredBy: AnsweredBy
  /** The error the gateway refused the request with (an enforced denial), if it did. */
  readonly denial: GatewayError | undefined
  /** Milliseconds from receipt to the response finishing; set when the adapter reports it finished. */
  readonly durationMs: number | undefined
  /** Headers added to the response, whoever answers (e.g. `RateLimit`); the request id header is added too. */
  readonly responseHeaders: ResponseHeaders
  /** Changes to the request as it goes on to the app or an upstream (stripped credentials, identity headers). */
  readonly onward: OnwardRequest
  /** Values stages share. */
  readonly vars: GatewayVariables
}

/** The engine's own context, with the bookkeeping stages do not see. */
export class RequestContext implements GatewayContext {
  readonly request: GatewayRequest
  readonly requestId: string
  readonly receivedAt: number
  readonly timings: StageTiming[] = []
  readonly vars: GatewayVariables = {}
  principal: Principal | undefined = undefined
  operation: MatchedOperation | undefined = undefined
  /** `performance.now()` at receipt, for durations. */
  readonly startTime: number
  /** Set once `complete` has run, so it runs once. */
  completed = false
  /** Who answers: set when a stage responds or an enforced denial ends the pipeline. */
  answeredBy: AnsweredBy = 'app'
  /** The enforced denial that ended the pipeline, if one did. */
  denial: GatewayError | undefined = undefined
  /** Milliseconds from receipt to the response finishing, once `complete` has run. */
  durationMs: number | undefined = undefined
  /** Why the request target was refused, when it was. */
  targetRejection: TargetRejection | undefined = undefined
  /** Whether the socket peer is a trusted proxy. */
  peerTrusted = false
  readonly #clock: Clock
  #trace: TraceContext | undefined
  // Made on first use: most requests add no header but the request id, and change nothing onward.
  #responseHeaders: ResponseHeaderFields | undefined
  #onward: OnwardEdits | undefined

  constructor(request: GatewayRequest, requestId: string, trace: TraceContext | undefined, clock: Clock) {
    this.request = request
    this.requestId = requestId
    this.#trace = trace
    this.#clock = clock
    this.receivedAt = clock.now()
    this.startTime = performance.now()
  }

  get responseHeaders(): ResponseHeaders {
    this.#responseHeaders ??= new ResponseHeaderFields()
    return this.#responseHeaders
  }

  get onward(): OnwardRequest {
    this.#onward ??= new OnwardEdits()
    return this.#onward
  }

  /** The onward edits stages made, without creating them when there are none. */
  get onwardEdits(): OnwardEdits | undefined {
    return this.#onward
  }

  /** The headers stages added, without creating them when there are none. */
  get addedResponseHeaders(): ResponseHeaders | undefined {
    return this.#responseHeaders
  }

  get trace(): TraceContext {
    this.#trace ??= { traceId: newTraceId(), parentId: undefined, sampled: false }
    return this.#trace
  }

  now(): number {
    return this.#clock.now()
  }
}
