import type { GatewayConfig, GatewayContext } from '@portcullis/core'
import { createEngine, type Engine } from '@portcullis/core'
import { createNodeMiddleware, undiciTransport } from '@portcullis/node'
import type { NextFunction, Request, Response } from 'express'

declare global {
  namespace Express {
    interface Request {
      /** The Portcullis context of this request, once the gateway has let it through. */
      portcullis?: GatewayContext
    }
  }
}

/** The Express middleware, with the engine behind it. */
export interface ExpressGateway {
  (req: Request, res: Response, next: NextFunction): void
  /** The engine: its events, store and config. */
  readonly engine: Engine
  /** Releases what the gateway opened. */
  close(): Promise<void>
}

const pathOf = (target: string): string => {
  const query = target.indexOf('?')
  return query === -1 ? target : target.slice(0, query)
}

/**
 * Creates the Portcullis middleware for Express 5. Mount it first, at the application root, so it
 * checks every request before the app's own handlers and body parsers run. Throws a `ConfigError`
 * listing every problem when the config is invalid.
 *
 * The app then sees the canonical path in `req.url` (`req.originalUrl` keeps what was sent), the
 * context in `req.portcullis`, and the body as it would without the gateway; a body the gateway
 * parsed as JSON is also in `req.body`.
 *
 * @example
 * ```ts
 * import express from 'express'
 * import { gateway } from '@portcullis/express'
 * const app = express()
 * app.use(gateway({ trustedProxies: ['loopback'] }))
 * app.get('/hello', (req, res) => res.json({ requestId: req.portcullis?.requestId }))
 * ```
 */
export function gateway(config: GatewayConfig): ExpressGateway {
  const engine = createEngine(config, { upstreamTransport: undiciTransport })
  const middleware = createNodeMiddleware<Request, Response>(engine, {
    describe: (req) => ({
      target: req.originalUrl,
      parsedBody: req.body === undefined ? undefined : { value: req.body },
      // Mounted below the root, Express has already cut the mount path off req.url; there the
      // canonical target cannot be handed over, so a differing one is redirected to instead.
      routesCanonically: req.baseUrl === '' ? undefined : (target) => pathOf(req.originalUrl) === target.encodedPath,
    }),
    canRewrite: (req) => req.baseUrl === '',
    expose(req, ctx) {
      if (!ctx.request.body.parsedJson || req.body !== undefined) return undefined
      return ctx.request.body.json().then((body) => {
        req.body = body
      })
    },
    routeTemplate: (req) => (req.route === undefined ? undefined : `${req.baseUrl}${req.route.path}`),
  })
  return Object.assign(
    function portcullis(req: Request, res: Response, next: NextFunction) {
      middleware(req, res, next)
    },
    { engine, close: () => engine.close() },
  )
}
