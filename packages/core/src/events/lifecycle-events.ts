import type { AnsweredBy, GatewayContext } from '../engine/context'
import type { Phase } from '../engine/phases'
import type { GatewayError } from '../errors/gateway-error'

/** A request arrived and its context exists. */
export interface RequestReceivedEvent {
  readonly ctx: GatewayContext
}

/** A stage decided; one event per stage that ran. */
export interface StageDecisionEvent {
  readonly ctx: GatewayContext
  readonly stage: string
  readonly phase: Phase
  /** What the stage decided. */
  readonly action: 'continue' | 'respond' | 'deny'
  /** False for a denial of a stage in `report` mode: recorded, not enforced. */
  readonly enforced: boolean
  /** How long the stage took, in milliseconds. */
  readonly durationMs: number
  /** The denial's error, for `deny`. */
  readonly error?: GatewayError
  /** What a stage threw, when it failed unexpectedly (the request got `gateway.internal_error`). */
  readonly cause?: unknown
}

/** The response is finished (written to the socket, or handed to the runtime). */
export interface RequestRespondedEvent {
  readonly ctx: GatewayContext
  readonly status: number
  /** Response body bytes, when known. */
  readonly bytes: number | undefined
  /** From the gateway receiving the request to the response finishing, in milliseconds. */
  readonly durationMs: number
  /** Who answered: the app behind the gateway, or the gateway itself (a denial, upstream, cache). */
  readonly answeredBy: AnsweredBy
  /** The route template of whatever answered, when known (the framework's or a gateway route's). */
  readonly routeTemplate: string | undefined
}

/** A response that does not match the API description (shadow response validation): reported, never changed. */
export interface ResponseMismatchEvent {
  readonly ctx: GatewayContext
  readonly status: number
  /** What does not match: pointers into the response (`/status`, `/headers/content-type`, `/body/items/0/id`). */
  readonly errors: readonly { readonly pointer: string; readonly message: string }[]
}

/**
 * A limit could not use its store (an error, or the breaker open after one) and followed its outage
 * policy: `open` let the request pass uncounted, `closed` answered 503, `local` counted in process.
 */
export interface LimitFallbackEvent {
  readonly ctx: GatewayContext
  readonly section: 'rateLimits' | 'quotas'
  /** The rule's name. */
  readonly rule: string
  readonly policy: 'open' | 'closed' | 'local'
  /** The store's error; absent while the breaker skips the store. */
  readonly cause?: unknown
}

/** Discovery found a session's order of calls improbable under what it learned of normal flows. */
export interface SessionFlaggedEvent {
  readonly ctx: GatewayContext
  /** The session's hashed key (never the credential or cookie itself). */
  readonly session: string
  /** The endpoint of the call that made the flow improbable, e.g. `POST /bookings`. */
  readonly endpoint: string
}

/** A route answered a request: from its upstream, its in-process handler, or the cache. */
export interface RequestRoutedEvent {
  readonly ctx: GatewayContext
  /** The route's name. */
  readonly route: string
  readonly answeredBy: 'upstream' | 'handler' | 'cache'
  /** The path and query sent on (after the route's edits; credentials stripped). */
  readonly target: string
  /** The upstream target's origin that answered, for an upstream. */
  readonly origin?: string
  /** The status the route answered with. */
  readonly status: number
}

/** Every lifecycle event, by name. */
export interface LifecycleEvents {
  'request.received': RequestReceivedEvent
  'stage.decision': StageDecisionEvent
  'request.responded': RequestRespondedEvent
  'request.routed': RequestRoutedEvent
  'validation.response_mismatch': ResponseMismatchEvent
  'limit.store_fallback': LimitFallbackEvent
  'discovery.session_flagged': SessionFlaggedEvent
}

/** The name of a lifecycle event. */
export type LifecycleEventName = keyof LifecycleEvents
