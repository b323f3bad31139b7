import type https from 'node:https'
import type { Engine, GatewayConfig, GatewayContext } from '@portcullis/core'
import type { Listening } from '../listen'

/**
 * One framework with the gateway in front of the same small app, for the conformance suite.
 *
 * Every fixture's app answers the same routes, each with an {@link EchoBody} of what the app saw:
 * - `GET /users/:id` (a route with a template);
 * - `POST /json`: the body parsed as JSON the framework's way (`req.body`, `ctx.request.body`, `c.req.json()`);
 * - `POST /raw`: the body read as raw bytes from the request stream;
 * - anything else.
 */
export interface AdapterFixture {
  readonly name: 'node' | 'express' | 'koa' | 'hono'
  /** Whether the framework reports route templates (plain node:http does not). */
  readonly knowsRouteTemplates: boolean
  /**
   * Whether the adapter hands the canonical target to the app by rewriting it. Hono routes before
   * middleware runs, so it answers a non-canonical path with a 308 to the canonical one instead.
   */
  readonly rewritesTarget: boolean
  start(config: GatewayConfig, options?: { tls?: https.ServerOptions }): Promise<RunningFixture>
}

/** A fixture listening on a free port. */
export interface RunningFixture {
  readonly url: string
  readonly engine: Engine
  close(): Promise<void>
}

/** A running fixture from its listening server and its gateway: closing stops both. */
export function runningFixture(server: Listening, gateway: { engine: Engine; close(): Promise<void> }): RunningFixture {
  return {
    url: server.url,
    engine: gateway.engine,
    async close() {
      await server.close()
      await gateway.close()
    },
  }
}

/** What the app behind the gateway saw, as every fixture reports it. */
export interface EchoBody {
  readonly app: AdapterFixture['name']
  readonly method: string
  /** The target the app routed on (path and query). */
  readonly url: string
  readonly requestId: string | undefined
  readonly ip: string | undefined
  /** The request headers the app saw that matter to the suite. */
  readonly headers: Record<string, string | undefined>
  readonly tls: { authorized: boolean; subject: string | undefined } | null
  /** Who the gateway found the caller to be. */
  readonly principal: { consumer: string; groups: string[]; scopes: string[]; credential: string } | null
  /** The body, as the app read it (parsed JSON on /json, text on /raw). */
  readonly body?: unknown
}

const echoedHeaders = [
  'x-forwarded-for',
  'forwarded',
  'x-real-ip',
  'x-forwarded-proto',
  'content-type',
  'authorization',
  'cookie',
  'x-api-key',
  'x-consumer-id',
  'x-consumer-groups',
  'x-forwarded-client-cert',
  'x-ssl-client-cert',
  'client-cert',
  'traceparent',
]

/** Builds the echo body from what the app sees. */
export function echo(
  app: AdapterFixture['name'],
  method: string,
  url: string,
  ctx: GatewayContext | undefined,
  header: (name: string) => string | undefined,
  body?: unknown,
): EchoBody {
  const tls = ctx?.request.tls
  return {
    app,
    method,
    url,
    requestId: ctx?.requestId,
    ip: ctx?.request.ip,
    headers: Object.fromEntries(echoedHeaders.map((name) => [name, header(name)])),
    tls: tls === undefined ? null : { authorized: tls.authorized, subject: tls.peerCertificate()?.subject },
    principal:
      ctx?.principal === undefined
        ? null
        : {
            consumer: ctx.principal.consumer,
            groups: [...ctx.principal.groups],
            scopes: [...ctx.principal.scopes],
            credential: ctx.principal.credential,
          },
    ...(body === undefined ? {} : { body }),
  }
}
