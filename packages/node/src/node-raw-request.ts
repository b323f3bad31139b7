import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  type CanonicalTarget,
  type RawRequest,
  RecordHeaders,
  type TlsSocketLike,
  tlsInfoFromSocket,
} from '@portcullis/core'

import { nodeBodySource } from './replayable-body'

/** How a Node-based adapter describes its request beyond the `IncomingMessage` itself. */
export interface NodeRequestOptions {
  /** The request target the gateway checks. Default: `req.url`. */
  target?: string | undefined
  /** A body the framework parsed before the gateway ran. */
  parsedBody?: { readonly value: unknown } | undefined
  /** See `RawRequest.routesCanonically`; for adapters that cannot rewrite the target. */
  routesCanonically?: ((target: CanonicalTarget) => boolean) | undefined
  /** The framework object handed to stages as `request.raw`. Default: the `IncomingMessage`. */
  raw?: unknown
  /** The response, to tell when the client goes away before it is finished. */
  response?: ServerResponse | undefined
}

/** A signal that aborts when the response closes before it finished: the client went away. */
function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController()
  if (res.destroyed && !res.writableFinished) controller.abort()
  else
    res.once('close', () => {
      if (!res.writableFinished) controller.abort()
    })
  return controller.signal
}

/** Builds the engine's view of a Node request: headers, socket address, TLS, a replayable body. */
export function toRawRequest(req: IncomingMessage, options: NodeRequestOptions = {}): RawRequest {
  return {
    method: req.method ?? 'GET',
    target: options.target ?? req.url ?? '/',
    headers: new RecordHeaders(req.headers),
    remoteAddress: req.socket?.remoteAddress,
    tls: tlsInfoFromSocket(req.socket as TlsSocketLike | null),
    body: nodeBodySource(req, { parsed: options.parsedBody }),
    routesCanonically: options.routesCanonically,
    abortSignal: options.response === undefined ? undefined : () => clientGone(options.response as ServerResponse),
    raw: options.raw ?? req,
  }
}
