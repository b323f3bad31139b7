import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Engine, type GatewayContext, GatewayError, type Outcome, toProblemResponse } from '@portcullis/core'
import { type NodeRequestOptions, toRawRequest } from './node-raw-request'
import { trackResponse } from './response-tracker'
import { writeHead, writeResponse } from './write-response'

/** A connect-style middleware: `next` runs what comes after the gateway. */
export type NodeMiddleware<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
> = (req: Req, res: Res, next?: (error?: unknown) => void) => void

/** What a framework built on Node adds to the plain Node middleware. */
export interface NodeMiddlewareHooks<Req extends IncomingMessage> {
  /** Describes the request beyond the `IncomingMessage` (target, parsed body, raw object). */
  describe?(req: Req): NodeRequestOptions
  /** Whether the canonical target can be handed to the app by rewriting `req.url`. Default: yes. */
  canRewrite?(req: Req): boolean
  /** Exposes the context (and a body the gateway parsed) the framework's way. */
  expose?(req: Req, ctx: GatewayContext): void | Promise<void>
  /** The route template of the handler that answered, read when the response finishes. */
  routeTemplate?(req: Req): string | undefined
}

/** Applies a `continue` outcome: strip spoofed headers, set response headers, hand over the canonical target. */
function handOver(
  req: IncomingMessage,
  res: ServerResponse,
  outcome: Outcome & { kind: 'continue' },
  rewrite: boolean,
) {
  for (const name of outcome.stripHeaders) delete req.headers[name]
  for (const [name, value] of outcome.setHeaders) req.headers[name] = value
  for (const [name, value] of outcome.responseHeaders) {
    if (name === 'set-cookie') res.appendHeader(name, value)
    else res.setHeader(name, value)
  }
  if (rewrite && req.url !== outcome.target) req.url = outcome.target
  req.portcullis = outcome.ctx
}

/** Answers a failure of the adapter itself, if the response has not started yet. */
function failSafe(res: ServerResponse, requestId: string | undefined): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const response = toProblemResponse(new GatewayError('gateway.internal_error'), requestId)
  writeHead(res, response)
  response.arrayBuffer().then((body) => res.end(new Uint8Array(body)))
}

/**
 * Creates the Node middleware that runs the engine, then either writes the gateway's response or
 * calls `next` with the request made canonical. `engine.complete` runs when the response finishes.
 */
export function createNodeMiddleware<Req extends IncomingMessage, Res extends ServerResponse>(
  engine: Engine,
  hooks: NodeMiddlewareHooks<Req> = {},
): NodeMiddleware<Req, Res> {
  const routeTemplate = hooks.routeTemplate as ((req: IncomingMessage) => string | undefined) | undefined
  return function portcullisMiddleware(req, res, next) {
    let ctx: GatewayContext | undefined
    const method = req.method ?? 'GET'
    // The app runs outside our error handling: its errors stay its own.
    const handOn = next === undefined ? undefined : () => queueMicrotask(() => next())
    engine
      .handle(toRawRequest(req, { ...hooks.describe?.(req), response: res }))
      .then((outcome): Promise<void> | undefined => {
        ctx = outcome.ctx
        trackResponse(engine, outcome.ctx, req, res, routeTemplate)
        if (outcome.kind === 'respond') return writeResponse(res, outcome.response, method)
        handOver(req, res, outcome, hooks.canRewrite?.(req) ?? true)
        if (handOn === undefined) {
          return writeResponse(
            res,
            toProblemResponse(new GatewayError('route.not_found'), outcome.ctx.requestId),
            method,
          )
        }
        const exposed = hooks.expose?.(req, outcome.ctx)
        if (exposed === undefined) handOn()
        else return exposed.then(handOn)
        return undefined
      })
      .catch(() => failSafe(res, ctx?.requestId))
  }
}
