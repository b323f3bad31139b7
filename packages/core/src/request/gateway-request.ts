import { parse as parseCookies } from 'cookie'
import type { BodySource, RequestBody } from './body'
import type { CanonicalTarget } from './canonical-path'
import type { RequestHeaders } from './request-headers'
import type { TlsInfo } from './tls-info'

/**
 * The read-only, framework-neutral view of one request that every stage sees. The path is
 * canonical (decoded, dot segments resolved, slashes merged); the IP is resolved with
 * `trustedProxies`; cookies, query and body are read lazily.
 */
export interface GatewayRequest {
  /** The method, uppercase as received. */
  readonly method: string
  /** The canonical, decoded path, e.g. `/api/v1/hotels/café`. */
  readonly path: string
  /** The canonical path percent-encoded, as the app or an upstream receives it. */
  readonly encodedPath: string
  /** The raw query string without `?`. */
  readonly rawQuery: string
  /** The parsed query. */
  readonly query: URLSearchParams
  /** The request headers. */
  readonly headers: RequestHeaders
  /** The cookies, parsed from the `Cookie` header on first use. */
  readonly cookies: Readonly<Record<string, string | undefined>>
  /** The client IP (normalised); `undefined` when the runtime tells no socket address. */
  readonly ip: string | undefined
  /** The socket peer's IP; differs from `ip` behind trusted proxies. */
  readonly peerIp: string | undefined
  /** Whether the socket peer is a trusted proxy, so headers only proxies may set can be believed. */
  readonly viaTrustedProxy: boolean
  /** TLS details when the connection is TLS. */
  readonly tls: TlsInfo | undefined
  /** The body, read lazily and at most once. */
  readonly body: RequestBody
  /** The framework's route template when it knows one before the gateway runs (Hono). */
  readonly routeTemplate: string | undefined
  /**
   * Aborts when the client goes away before its response is finished (made on first use), so work
   * done for it (an upstream call) can stop; `undefined` where the runtime cannot tell.
   */
  readonly signal: AbortSignal | undefined
  /** The framework's own request object (IncomingMessage, Koa context, Hono context). */
  readonly raw: unknown
}

/** The parts of a request an adapter hands to the engine. */
export interface RawRequest {
  readonly method: string
  /** The request target exactly as received, e.g. `/a/../b?x=1`. */
  readonly target: string
  readonly headers: RequestHeaders
  /** The socket peer address, as the runtime reports it. */
  readonly remoteAddress: string | undefined
  readonly tls: TlsInfo | undefined
  readonly body: BodySource
  readonly routeTemplate?: string | undefined
  /**
   * For adapters that cannot hand the canonical target to the app (Hono routes before middleware
   * runs): whether the app routes the canonical target the same as the target it received. When it
   * does not, the engine answers with a 308 redirect to the canonical target instead of letting the
   * app serve a path other than the one the stages checked.
   */
  readonly routesCanonically?: ((target: CanonicalTarget) => boolean) | undefined
  /** Makes the signal that aborts when the client goes away; called at most once, when a stage needs it. */
  readonly abortSignal?: (() => AbortSignal) | undefined
  readonly raw: unknown
}

/** The fields the engine computes for a {@link GatewayRequest}. */
export interface GatewayRequestInit {
  readonly path: string
  readonly encodedPath: string
  readonly rawQuery: string
  readonly ip: string | undefined
  readonly peerIp: string | undefined
  readonly viaTrustedProxy: boolean
  readonly body: RequestBody
}

class LazyGatewayRequest implements GatewayRequest {
  readonly method: string
  readonly path: string
  readonly encodedPath: string
  readonly rawQuery: string
  readonly headers: RequestHeaders
  readonly ip: string | undefined
  readonly peerIp: string | undefined
  readonly viaTrustedProxy: boolean
  readonly tls: TlsInfo | undefined
  readonly body: RequestBody
  readonly routeTemplate: string | undefined
  readonly raw: unknown
  #query: URLSearchParams | undefined
  #cookies: Record<string, string | undefined> | undefined
  #abortSignal: (() => AbortSignal) | undefined
  #signal: AbortSignal | undefined

  constructor(raw: RawRequest, init: GatewayRequestInit) {
    this.method = raw.method
    this.headers = raw.headers
    this.tls = raw.tls
    this.routeTemplate = raw.routeTemplate
    this.raw = raw.raw
    this.#abortSignal = raw.abortSignal
    this.path = init.path
    this.encodedPath = init.encodedPath
    this.rawQuery = init.rawQuery
    this.ip = init.ip
    this.peerIp = init.peerIp
    this.viaTrustedProxy = init.viaTrustedProxy
    this.body = init.body
  }

  get query(): URLSearchParams {
    this.#query ??= new URLSearchParams(this.rawQuery)
    return this.#query
  }

  get signal(): AbortSignal | undefined {
    if (this.#signal === undefined && this.#abortSignal !== undefined) {
      this.#signal = this.#abortSignal()
      this.#abortSignal = undefined
    }
    return this.#signal
  }

  get cookies(): Readonly<Record<string, string | undefined>> {
    if (this.#cookies === undefined) {
      const header = this.headers.get('cookie')
      this.#cookies = header === null ? {} : parseCookies(header)
    }
    return this.#cookies
  }
}

/** Builds the {@link GatewayRequest} view from an adapter's raw request and the engine's findings. */
export function createGatewayRequest(raw: RawRequest, init: GatewayRequestInit): GatewayRequest {
  return new LazyGatewayRequest(raw, init)
}
