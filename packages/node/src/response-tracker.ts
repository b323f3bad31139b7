import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Engine, type GatewayContext, type NodeResponseLike, onNodeResponseDone } from '@portcullis/core'

/**
 * Calls `engine.complete` once the response is done (finished, or the client went away), with the
 * status, the body size and, when the framework knows it, the route template.
 */
export function trackResponse(
  engine: Engine,
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  routeTemplate?: (req: IncomingMessage) => string | undefined,
): void {
  onNodeResponseDone(
    res as unknown as NodeResponseLike,
    (summary) => engine.complete(ctx, { ...summary, routeTemplate: routeTemplate?.(req) }),
    engine.capturesResponseBodies,
  )
}
