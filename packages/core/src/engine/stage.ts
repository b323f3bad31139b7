import type { GatewayError } from '../errors/gateway-error'
import type { LifecycleEmitter } from '../events/event-emitter'
import type { GatewayContext } from './context'
import type { CompletedResponse } from './engine'
import type { Phase } from './phases'

/**
 * How a stage's denials count: `enforce` turns the request away; `report` only records what
 * would have been denied and lets the request pass (a dry run).
 */
export type StageMode = 'enforce' | 'report'

/** A stage's decision: let the request go on, answer it, or deny it. */
export type StageDecision =
  | { readonly action: 'continue' }
  | {
      readonly action: 'respond'
      readonly response: Response
      /** Who produced the response, when a route or the admin API did. Default: the gateway. */
      readonly answeredBy?: 'upstream' | 'handler' | 'cache' | 'admin'
    }
  | {
      readonly action: 'deny'
      readonly error: GatewayError
      /** False records the denial without enforcing it (a per-request dry run, e.g. an operation in log mode). */
      readonly enforce?: boolean
      /** `admin` when the admin API refuses a call to it. Default: the gateway. */
      readonly answeredBy?: 'admin'
    }

/**
 * One step of the pipeline. `run` returns its decision as a value and throws only for the
 * unexpected; a thrown {@link GatewayError} counts as a denial, anything else as an internal error.
 *
 * @example
 * ```ts
 * const readOnly: Stage = {
 *   name: 'read-only',
 *   phase: 'authorize',
 *   run: (ctx) => (ctx.request.method === 'GET' ? proceed : deny(new GatewayError('...'))),
 * }
 * ```
 */
export interface Stage {
  /** A short, unique name, used in events and logs. */
  readonly name: string
  /** The phase the stage runs in. */
  readonly phase: Phase
  /** `enforce` (default) or `report`. */
  readonly mode?: StageMode
  /**
   * Decides what happens to the request. A stage without `run` only observes finished responses in
   * {@link Stage.complete} (discovery, analytics): it adds nothing to the request's path.
   */
  run?(ctx: GatewayContext): StageDecision | Promise<StageDecision>
  /**
   * Request headers only a trusted proxy may send (e.g. a forwarded client certificate): from any
   * other peer the gateway removes them before the request goes on.
   */
  readonly proxyHeaders?: readonly string[]
  /** Settles when the stage is ready (e.g. its OpenAPI document is loaded); rejects with a ConfigError. */
  readonly ready?: Promise<void>
  /** Whether the stage wants the response body in {@link Stage.complete} (adapters then keep a bounded copy). */
  readonly wantsResponseBodies?: boolean
  /** Called once the response has finished, off the request's critical path. */
  complete?(ctx: GatewayContext, response: CompletedResponse, events: LifecycleEmitter): void
  /** Releases what the stage holds (timers, connections) when the gateway closes. */
  close?(): void | Promise<void>
}

/** The decision to let the request go on. */
export const proceed: StageDecision = Object.freeze({ action: 'continue' })

/** The decision to deny the request with an error. */
export function deny(error: GatewayError): StageDecision {
  return { action: 'deny', error }
}

/** The decision to record a denial but let the request go on (a dry run for this request). */
export function reportDenial(error: GatewayError): StageDecision {
  return { action: 'deny', error, enforce: false }
}

/** The decision to answer the request with a response (an upstream's, a handler's, a cache's). */
export function respond(response: Response): StageDecision {
  return { action: 'respond', response }
}
