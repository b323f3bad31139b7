import { Readable } from 'node:stream'
import { createEngine, type Engine, type GatewayConfig, type GatewayContext } from '@portcullis/core'
import { readBodyStart, toRawRequest, trackResponse, undiciTransport } from '@portcullis/node'
import type { Context, Middleware, Next } from 'koa'

declare module 'koa' {
  interface DefaultState {
    /** The Portcullis context of this request, once the gateway has let it through. */
    portcullis?: GatewayContext
  }
}

/** The Koa middleware, with the engine behind it. */
export interface KoaGateway extends Middleware {
  /** The engine: its events, store and config. */
  readonly engine: Engine
  /** Releases what the gateway opened. */
  close(): Promise<void>
}

// Bodies up to this size are handed to Koa as a buffer; larger ones stream.
const bufferedBodyLimit = 64 * 1024

/** Hands a gateway response to Koa, so Koa's own response handling (and upstream middleware) applies. */
async function respondWith(ctx: Context, response: Response): Promise<void> {
  ctx.status = response.status
  if (response.body === null) {
    // Koa turns a null body into 204; an empty one keeps the status (e.g. a 308 redirect).
    ctx.body = ''
    ctx.remove('content-type')
  } else {
    try {
      const start = await readBodyStart(response.body, bufferedBodyLimit)
      ctx.body = start.whole
        ? Buffer.from(start.bytes.buffer, start.bytes.byteOffset, start.bytes.byteLength)
        : Readable.from(start.chunks)
    } catch {
      // An upstream's body broke off (or stalled past its timeout) after its headers: cut the connection.
      ctx.res.destroy()
      return
    }
  }
  for (const [name, value] of response.headers) if (name !== 'set-cookie') ctx.set(name, value)
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) ctx.append('set-cookie', cookies)
}

const pathOf = (target: string): string => {
  const query = target.indexOf('?')
  return query === -1 ? target : target.slice(0, query)
}

/**
 * Creates the Portcullis middleware for Koa 3. Use it first, so it checks every request before the
 * app's own middleware. Throws a `ConfigError` listing every problem when the config is invalid.
 *
 * The app then sees the canonical path in `ctx.url`, the context in `ctx.state.portcullis`, and the
 * body as it would without the gateway; a body the gateway parsed as JSON is in `ctx.request.body`.
 *
 * @example
 * ```ts
 * import Koa from 'koa'
 * import { gateway } from '@portcullis/koa'
 * const app = new Koa()
 * app.use(gateway({ trustedProxies: ['loopback'] }))
 * app.use((ctx) => { ctx.body = { requestId: ctx.state.portcullis?.requestId } })
 * ```
 */
export function gateway(config: GatewayConfig): KoaGateway {
  const engine = createEngine(config, { upstreamTransport: undiciTransport })
  const middleware = async function portcullis(ctx: Context, next: Next): Promise<void> {
    const request = ctx.request as typeof ctx.request & { body?: unknown }
    // Under koa-mount, ctx.url has lost the mount path: the canonical target cannot be handed over.
    const mounted = ctx.url !== ctx.originalUrl
    const outcome = await engine.handle(
      toRawRequest(ctx.req, {
        target: ctx.originalUrl,
        parsedBody: request.body === undefined ? undefined : { value: request.body },
        routesCanonically: mounted ? (target) => pathOf(ctx.originalUrl) === target.encodedPath : undefined,
        raw: ctx,
        response: ctx.res,
      }),
    )
    trackResponse(
      engine,
      outcome.ctx,
      ctx.req,
      ctx.res,
      () => (ctx as Context & { _matchedRoute?: string })._matchedRoute,
    )
    if (outcome.kind === 'respond') {
      await respondWith(ctx, outcome.response)
      return
    }
    for (const name of outcome.stripHeaders) delete ctx.req.headers[name]
    for (const [name, value] of outcome.setHeaders) ctx.req.headers[name] = value
    for (const [name, value] of outcome.responseHeaders) {
      if (name === 'set-cookie') ctx.append(name, value)
      else ctx.set(name, value)
    }
    if (!mounted && ctx.url !== outcome.target) ctx.url = outcome.target
    ctx.state.portcullis = outcome.ctx
    if (outcome.ctx.request.body.parsedJson && request.body === undefined)
      request.body = await outcome.ctx.request.body.json()
    await next()
  }
  return Object.assign(middleware, { engine, close: () => engine.close() })
}
