import { iterableStream } from './iterable-stream'
import {
  UpstreamFailure,
  type UpstreamRequest,
  type UpstreamResponse,
  type UpstreamTransport,
  type UpstreamTransportOptions,
} from './upstream-transport'

// fetch decodes compressed bodies itself, so these no longer describe the body it hands over.
const decodedAway = new Set(['content-encoding', 'content-length'])

/** Whether an error is a fetch timeout or abort. */
const isAbort = (error: unknown) =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')

/**
 * Fails the stream when no chunk arrives for `idleMs`: the body timeout. The timer is unref'd so an
 * idle upstream never keeps the process alive.
 */
function withIdleTimeout(body: ReadableStream<Uint8Array>, idleMs: number): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  let timer: ReturnType<typeof setTimeout> | undefined
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('The upstream stopped sending the body.')), idleMs)
        timer.unref?.()
      })
      try {
        const { done, value } = await Promise.race([reader.read(), idle])
        if (done) controller.close()
        else controller.enqueue(value)
      } catch (error) {
        void reader.cancel(error).catch(() => {})
        controller.error(error)
      } finally {
        clearTimeout(timer)
      }
    },
    cancel(reason) {
      clearTimeout(timer)
      return reader.cancel(reason)
    },
  })
}

class FetchTransport implements UpstreamTransport {
  readonly #options: UpstreamTransportOptions

  constructor(options: UpstreamTransportOptions) {
    this.#options = options
  }

  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const { timeouts } = this.#options
    // fetch cannot time the connection apart from the wait for headers: one deadline covers both.
    const deadline = AbortSignal.timeout(timeouts.connectMs + timeouts.headersMs)
    const signal = request.signal === undefined ? deadline : AbortSignal.any([deadline, request.signal])
    const headers = new Headers()
    // fetch sets Host and the framing itself.
    for (const [name, value] of request.headers)
      if (name !== 'host' && name !== 'content-length') headers.append(name, value)
    const { body } = request
    let response: Response
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers,
        redirect: 'manual',
        signal,
        ...(body === undefined
          ? {}
          : {
              body: body instanceof Uint8Array ? body : iterableStream(body),
              duplex: 'half',
            }),
      } as RequestInit)
    } catch (error) {
      if (isAbort(error) && deadline.aborted)
        throw new UpstreamFailure('headers-timeout', 'The upstream did not answer in time.', { cause: error })
      throw new UpstreamFailure('connect', 'The upstream could not be reached.', { cause: error })
    }
    const decoded = response.headers.has('content-encoding')
    const pairs: [string, string][] = []
    for (const [name, value] of response.headers) {
      if (name === 'set-cookie' || (decoded && decodedAway.has(name))) continue
      pairs.push([name, value])
    }
    for (const cookie of response.headers.getSetCookie()) pairs.push(['set-cookie', cookie])
    return {
      status: response.status,
      headers: pairs,
      body: response.body === null ? null : withIdleTimeout(response.body, timeouts.bodyMs),
    }
  }

  async close(): Promise<void> {}
}

/**
 * The transport on `fetch`, for every runtime. It cannot set `Host`, times connect and headers as
 * one deadline, and hands on bodies decoded (without `Content-Encoding`); Node adapters use undici's
 * pools instead.
 */
export function fetchTransport(options: UpstreamTransportOptions): UpstreamTransport {
  return new FetchTransport(options)
}
