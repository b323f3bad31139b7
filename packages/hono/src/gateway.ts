import {
  applyResponseHeaders,
  createEngine,
  type Engine,
  type GatewayConfig,
  type GatewayContext,
  type HeaderRecord,
  type NodeResponseLike,
  type Outcome,
  onNodeResponseDone,
  type RawRequest,
  RecordHeaders,
  type RequestHeaders,
  type ResponseHeaderList,
  readLimited,
  type TlsInfo,
  type TlsSocketLike,
  tlsInfoFromSocket,
  type UpstreamTransportFactory,
} from '@portcullis/core'
import type { Context, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'

declare module 'hono' {
  interface ContextVariableMap {
    /** The Portcullis context of this request, once the gateway has let it through. */
    portcullis: GatewayContext
  }
}

/** What the runtime says about the connection: Hono's core cannot know it on every runtime. */
export interface ConnectionInfo {
  /** The socket peer address. */
  readonly remoteAddress: string | undefined
  /** TLS details, for TLS connections. */
  readonly tls?: TlsInfo | undefined
  /** The request target exactly as received, when the runtime keeps it. */
  readonly target?: string | undefined
  /** The request headers as the runtime parsed them, when that is cheaper than `c.req.raw.headers`. */
  readonly headers?: RequestHeaders | undefined
}

/** Options of the Hono {@link gateway}. */
export interface HonoGatewayOptions {
  /**
   * Reads the connection from the context. Default: `c.env.incoming` on @hono/node-server (socket
   * address, TLS, raw target); elsewhere, pass your runtime's, e.g. Bun's `server.requestIP`.
   */
  connectionInfo?: (c: Context) => ConnectionInfo
  /**
   * Connects routes to their upstreams. Default: `fetch` (every runtime; it cannot set `Host`). On
   * @hono/node-server pass `undiciTransport` from @portcullis/node for pools and separate timeouts.
   */
  upstreamTransport?: UpstreamTransportFactory
}

/** The Hono middleware, with the engine behind it. */
export interface HonoGateway extends MiddlewareHandler {
  /** The engine: its events, store and config. */
  readonly engine: Engine
  /** Releases what the gateway opened. */
  close(): Promise<void>
}

interface NodeServerEnv {
  incoming?: AsyncIterable<Uint8Array> & {
    /** A body read before node-server: it serves the request's body from here. */
    rawBody?: Uint8Array
    url?: string
    headers?: HeaderRecord
    socket?: TlsSocketLike & { remoteAddress?: string }
    /** Whether anything read from the stream yet (Node ≥ 16.7). */
    readableDidRead?: boolean
  }
  outgoing?: NodeResponseLike & {
    setHeader(name: string, value: string): unknown
    appendHeader(name: string, value: string): unknown
  }
}

function setNodeHeaders(outgoing: NonNullable<NodeServerEnv['outgoing']>, headers: ResponseHeaderList): void {
  for (const [name, value] of headers) {
    if (name === 'set-cookie') outgoing.appendHeader(name, value)
    else outgoing.setHeader(name, value)
  }
}

/** On @hono/node-server the Node request is `c.env.incoming`. */
function nodeServerConnection(c: Context): ConnectionInfo {
  const incoming = (c.env as NodeServerEnv | undefined)?.incoming
  return {
    remoteAddress: incoming?.socket?.remoteAddress,
    tls: tlsInfoFromSocket(incoming?.socket),
    target: incoming?.url,
    // Node's parsed headers: reading c.req.raw.headers would make node-server build a Fetch Headers.
    headers: incoming?.headers === undefined ? undefined : new RecordHeaders(incoming.headers),
  }
}

/**
 * The Node request of @hono/node-server while nothing has read its body yet (nor made node-server
 * turn it into a Fetch body): the one body stream to read. `undefined` elsewhere.
 */
function unreadNodeBody(c: Context): NonNullable<NodeServerEnv['incoming']> | undefined {
  const incoming = (c.env as NodeServerEnv | undefined)?.incoming
  if (
    incoming === undefined ||
    incoming.readableDidRead !== false ||
    typeof incoming[Symbol.asyncIterator] !== 'function'
  )
    return undefined
  return c.req.raw.bodyUsed ? undefined : incoming
}

const utf8 = new TextDecoder()

/**
 * Puts a body the gateway read into Hono's body cache, for `c.req.arrayBuffer()`, `text()` and
 * `json()` (which reads `text`). The text is decoded when first asked for: a cache holding only the
 * bytes would make Hono build a Fetch `Response` around them to get the text, on every `c.req.json()`.
 */
function cacheBody(c: Context, bytes: Uint8Array): void {
  const cache = c.req.bodyCache as Record<string, Promise<unknown> | undefined>
  cache.arrayBuffer = Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
  let text: Promise<unknown> | undefined
  Object.defineProperty(cache, 'text', {
    configurable: true,
    enumerable: true,
    get: () => {
      text ??= Promise.resolve(utf8.decode(bytes))
      return text
    },
    set: (value: Promise<unknown> | undefined) => {
      text = value
    },
  })
}

/** The bytes as a Node `Buffer` (no copy): node-server takes `rawBody` only when it is one. */
function nodeBuffer(bytes: Uint8Array): Uint8Array {
  const { Buffer } = globalThis as unknown as {
    Buffer: { from(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array }
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

// Methods whose requests have no body unless they say so; their lazy body is not touched.
const bodiless = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE'])

const targetOf = (url: string): string => {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  return start === -1 ? '/' : url.slice(start)
}

const decodePath = (path: string): string => {
  if (!path.includes('%')) return path
  try {
    return decodeURI(path)
  } catch {
    return path
  }
}

/**
 * Creates the Portcullis middleware for Hono 4. Register it first (`app.use(gateway(config))`)
 * so it checks every request before the app's handlers. Throws a `ConfigError` listing every
 * problem when the config is invalid.
 *
 * The app then reads the context with `c.get('portcullis')`; a body the gateway read is still
 * readable through `c.req` (and `c.req.raw`). Hono routes a request before middleware runs, so a
 * non-canonical path (e.g. `//users`) is answered with a 308 redirect to the canonical one.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { gateway } from '@portcullis/hono'
 * const app = new Hono()
 * app.use(gateway({ trustedProxies: ['loopback'] }))
 * app.get('/hello', (c) => c.json({ requestId: c.get('portcullis').requestId }))
 * ```
 */
export function gateway(config: GatewayConfig, options: HonoGatewayOptions = {}): HonoGateway {
  const engine = createEngine(config, { upstreamTransport: options.upstreamTransport })
  const connectionInfo = options.connectionInfo ?? nodeServerConnection

  /** The template of the route that will answer: Hono runs the first matched handler after the gateway. */
  const expectedRouteTemplate = (c: Context): string | undefined => {
    const routes = matchedRoutes(c)
    for (let i = c.req.routeIndex + 1; i < routes.length; i++) {
      const route = routes[i]
      if (route !== undefined && route.handler.length < 2) return route.path
    }
    return undefined
  }

  /** The template of the route that answered, once the response is done. */
  const answeredRouteTemplate = (c: Context): string | undefined => {
    const route = matchedRoutes(c)[c.req.routeIndex]
    return route === undefined || route.handler === middleware ? undefined : route.path
  }

  const rawRequest = (c: Context): RawRequest => {
    const connection = connectionInfo(c)
    const request = c.req.raw
    const headers = connection.headers ?? request.headers
    const lengthHeader = headers.get('content-length')
    const declaredLength = lengthHeader === null ? undefined : Number(lengthHeader)
    return {
      method: request.method,
      target: connection.target ?? targetOf(request.url),
      headers,
      remoteAddress: connection.remoteAddress,
      tls: connection.tls,
      body: {
        declaredLength,
        present:
          declaredLength === undefined
            ? headers.has('transfer-encoding') || (!bodiless.has(request.method) && request.body !== null)
            : declaredLength > 0,
        async read(limit) {
          const incoming = unreadNodeBody(c)
          let bytes: Uint8Array
          if (incoming !== undefined) {
            // On @hono/node-server the Node request itself is read: asking `request.body` would make
            // node-server build a full Fetch Request and a web stream over the Node stream first.
            bytes = await readLimited(incoming, limit)
            // node-server serves a body read before it from `incoming.rawBody` (honojs/node-server#223),
            // so the app's c.req.raw stays node-server's own lazy request: no Request is built here.
            incoming.rawBody = nodeBuffer(bytes)
          } else {
            bytes = request.body === null ? new Uint8Array(0) : await readLimited(request.body, limit)
            // The app still reads the body: through c.req (Hono's body cache) and through c.req.raw.
            if (request.method !== 'GET' && request.method !== 'HEAD')
              c.req.raw = new Request(request, { body: bytes as BodyInit })
          }
          cacheBody(c, bytes)
          return bytes
        },
        stream: () => (request.body as AsyncIterable<Uint8Array> | null) ?? emptyStream(),
      },
      routeTemplate: expectedRouteTemplate(c),
      routesCanonically: (target) => decodePath(target.encodedPath) === c.req.path,
      abortSignal: () => request.signal,
      raw: c,
    }
  }

  const middleware: MiddlewareHandler = async function portcullis(c, next) {
    const outcome = await engine.handle(rawRequest(c))
    const { ctx } = outcome
    const outgoing = (c.env as NodeServerEnv | undefined)?.outgoing
    // On @hono/node-server the Node response tells when it is done; elsewhere the Response is all there is.
    if (outgoing !== undefined) {
      const answer = outcome.kind === 'respond' ? outcome.response : undefined
      onNodeResponseDone(
        outgoing,
        (summary) =>
          engine.complete(ctx, {
            ...summary,
            bytes: summary.bytes ?? (answer === undefined ? undefined : contentLength(answer)),
            routeTemplate: answeredRouteTemplate(c),
          }),
        engine.capturesResponseBodies,
      )
    }
    if (outcome.kind === 'respond') {
      if (outgoing === undefined)
        engine.complete(ctx, { status: outcome.response.status, bytes: contentLength(outcome.response) })
      return outcome.response
    }
    editRequest(c, outcome)
    c.set('portcullis', ctx)
    if (ctx.request.body.parsedJson) c.req.bodyCache.json = ctx.request.body.json() as Promise<unknown> as never
    // Set on the Node response, the headers join whatever the app answers without making
    // @hono/node-server leave its fast path (touching c.res.headers would).
    if (outgoing !== undefined) setNodeHeaders(outgoing, outcome.responseHeaders)
    await next()
    if (outgoing === undefined) {
      addResponseHeaders(c, outcome.responseHeaders)
      engine.complete(ctx, {
        status: c.res.status,
        bytes: contentLength(c.res),
        routeTemplate: answeredRouteTemplate(c),
      })
    }
    return undefined
  }
  return Object.assign(middleware, { engine, close: () => engine.close() })
}

async function* emptyStream(): AsyncGenerator<Uint8Array> {}

function contentLength(response: Response): number | undefined {
  const header = response.headers.get('content-length')
  return header === null ? undefined : Number(header)
}

/**
 * Applies the onward edits to the request the app reads: header changes, and a target whose query
 * lost a stripped credential. A runtime's request headers may be immutable, so copy then.
 */
function editRequest(c: Context, outcome: Outcome & { kind: 'continue' }): void {
  const { rawQuery } = outcome.ctx.request
  const queryStart = outcome.target.indexOf('?')
  const query = queryStart === -1 ? '' : outcome.target.slice(queryStart + 1)
  if (query !== rawQuery) {
    const url = new URL(c.req.url)
    url.search = query
    c.req.raw = new Request(url, c.req.raw)
  }
  if (outcome.stripHeaders.length === 0 && outcome.setHeaders.length === 0) return
  const apply = (headers: Headers) => {
    for (const name of outcome.stripHeaders) headers.delete(name)
    for (const [name, value] of outcome.setHeaders) headers.set(name, value)
  }
  try {
    apply(c.req.raw.headers)
  } catch {
    const headers = new Headers(c.req.raw.headers)
    apply(headers)
    c.req.raw = new Request(c.req.raw, { headers })
  }
}

/** Adds the gateway's response headers to whatever the app answered; copies an immutable response. */
function addResponseHeaders(c: Context, headers: ResponseHeaderList): void {
  try {
    applyResponseHeaders(c.res.headers, headers)
  } catch {
    const copy = new Headers(c.res.headers)
    applyResponseHeaders(copy, headers)
    c.res = new Response(c.res.body, { status: c.res.status, statusText: c.res.statusText, headers: copy })
  }
}
