import type { GatewayContext } from '../../engine/context'
import { iterableStream } from './iterable-stream'

/** What an in-process handler gets besides the request. */
export interface RouteHandlerContext {
  /** The gateway's context: principal, request id, matched operation. */
  readonly gateway: GatewayContext
  /** The `{name}` segments of the route's match, decoded. */
  readonly params: Readonly<Record<string, string>>
  /** The route's name. */
  readonly route: string
}

/**
 * A route that answers in the same process, the way an edge worker does: a Fetch `Request` in (with
 * the onward path, query and headers, so stripped credentials stay stripped), a `Response` out.
 *
 * @example
 * ```ts
 * const prices: RouteHandler = (request, { params }) => Response.json({ hotel: params.id, price: 120 })
 * ```
 */
export type RouteHandler = (request: Request, context: RouteHandlerContext) => Response | Promise<Response>

/** Builds the Fetch request an in-process handler receives. */
export function handlerRequest(
  ctx: GatewayContext,
  target: string,
  headers: Headers,
  body: Uint8Array | AsyncIterable<Uint8Array> | undefined,
): Request {
  const { request } = ctx
  const scheme = request.tls === undefined ? 'http' : 'https'
  const host = request.headers.get('host') ?? 'localhost'
  let url: URL
  try {
    url = new URL(target, `${scheme}://${host}`)
  } catch {
    url = new URL(target, `${scheme}://localhost`)
  }
  const withBody = body !== undefined && request.method !== 'GET' && request.method !== 'HEAD'
  return new Request(url, {
    method: request.method,
    headers,
    ...(request.signal === undefined ? {} : { signal: request.signal }),
    ...(withBody ? { body: body instanceof Uint8Array ? body : iterableStream(body), duplex: 'half' } : {}),
  } as RequestInit)
}
