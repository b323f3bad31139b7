import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { createEngine, type Engine, type GatewayConfig, type GatewayContext } from '@portcullis/core'
import { createNodeMiddleware, type NodeMiddleware } from './node-middleware'
import { undiciTransport } from './undici-transport'

declare module 'http' {
  interface IncomingMessage {
    /** The Portcullis context of this request, once the gateway has let it through. */
    portcullis?: GatewayContext
  }
}

/** The gateway for plain `node:http`: a connect-style middleware with a listener wrapper. */
export interface NodeGateway extends NodeMiddleware {
  /** The engine: its events, store and config. */
  readonly engine: Engine
  /**
   * Puts the gateway in front of a plain request listener.
   *
   * @example
   * ```ts
   * http.createServer(gateway(config).wrap((req, res) => res.end('hello')))
   * ```
   */
  wrap<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse = ServerResponse>(
    listener: RequestListener<typeof IncomingMessage, typeof ServerResponse> | ((req: Req, res: Res) => void),
  ): (req: Req, res: Res) => void
  /** Releases what the gateway opened. */
  close(): Promise<void>
}

/**
 * Creates the gateway for `node:http` (and connect-style servers). Throws a `ConfigError`
 * listing every problem when the config is invalid.
 *
 * @example
 * ```ts
 * import http from 'node:http'
 * import { gateway } from '@portcullis/node'
 * const gw = gateway({ trustedProxies: ['loopback'] })
 * http.createServer(gw.wrap((req, res) => res.end(`hello ${req.portcullis?.requestId}`))).listen(3000)
 * ```
 */
export function gateway(config: GatewayConfig): NodeGateway {
  const engine = createEngine(config, { upstreamTransport: undiciTransport })
  const middleware = createNodeMiddleware(engine)
  return Object.assign(middleware, {
    engine,
    wrap<Req extends IncomingMessage, Res extends ServerResponse>(listener: (req: Req, res: Res) => void) {
      return function gatewayListener(req: Req, res: Res) {
        middleware(req, res, () => listener(req, res))
      }
    },
    close: () => engine.close(),
  }) as NodeGateway
}
