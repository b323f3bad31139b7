import {
  iterableStream,
  UpstreamFailure,
  type UpstreamFailureKind,
  type UpstreamRequest,
  type UpstreamResponse,
  type UpstreamTransport,
  type UpstreamTransportOptions,
} from '@portcullis/core'
import { Pool } from 'undici'

// undici's error codes, by what they mean for the router.
const failureKinds: Readonly<Record<string, UpstreamFailureKind>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect-timeout',
  UND_ERR_HEADERS_TIMEOUT: 'headers-timeout',
  UND_ERR_ABORTED: 'headers-timeout',
  ABORT_ERR: 'headers-timeout',
  HPE_INVALID_CONSTANT: 'protocol',
  HPE_INVALID_STATUS: 'protocol',
  HPE_INVALID_HEADER_TOKEN: 'protocol',
}

// How long closing waits for calls in flight before it cuts them.
const closeGraceMs = 1000

class UndiciTransport implements UpstreamTransport {
  readonly #pool: Pool

  constructor(options: UpstreamTransportOptions) {
    const { timeouts } = options
    this.#pool = new Pool(options.origin, {
      connections: options.connections,
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    })
  }

  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const headers: string[] = []
    for (const [name, value] of request.headers) headers.push(name, value)
    let response: Awaited<ReturnType<Pool['request']>>
    try {
      response = await this.#pool.request({
        path: `${request.url.pathname}${request.url.search}`,
        method: request.method as 'GET',
        headers,
        body: request.body as Uint8Array | undefined,
        signal: request.signal,
      })
    } catch (error) {
      const code = (error as { code?: string }).code ?? ''
      const name = (error as { name?: string }).name
      const kind =
        failureKinds[code] ?? (name === 'AbortError' || name === 'TimeoutError' ? 'headers-timeout' : 'connect')
      throw new UpstreamFailure(kind, 'The upstream call failed.', { cause: error })
    }
    const pairs: [string, string][] = []
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue
      if (Array.isArray(value)) for (const item of value) pairs.push([name, item])
      else pairs.push([name, value])
    }
    return { status: response.statusCode, headers: pairs, body: iterableStream(response.body) }
  }

  /** Lets calls in flight finish for a moment, then cuts what is left (a stalled upstream must not hold up a shutdown). */
  async close(): Promise<void> {
    const cut = setTimeout(() => void this.#pool.destroy().catch(() => {}), closeGraceMs)
    cut.unref()
    await this.#pool.close().catch(() => {})
    clearTimeout(cut)
  }
}

/**
 * The upstream transport on undici's connection pools: one pool per target, with separate connect,
 * headers and body timeouts, and the `Host` header the route asks for. The Node, Express and Koa
 * adapters use it; pass it to the Hono adapter on @hono/node-server.
 */
export function undiciTransport(options: UpstreamTransportOptions): UpstreamTransport {
  return new UndiciTransport(options)
}
