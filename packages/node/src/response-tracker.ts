import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Engine, type GatewayContext, meterNodeResponse, type NodeResponseLike } from '@portcullis/core'

/**
 * Calls `engine.complete` once the response is finished (or the client went away), with the
 * status, the body bytes written and, when the framework knows it, the route template.
 */
export function trackResponse(
  engine: Engine,
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  routeTemplate?: (req: IncomingMessage) => string | undefined,
): void {
  meterNodeResponse(res as unknown as NodeResponseLike, (status, bytes) =>
    engine.complete(ctx, { status, bytes, routeTemplate: routeTemplate?.(req) }),
  )
}
