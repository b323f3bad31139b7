import type { UpstreamResponse, UpstreamTransportFactory } from '@portcullis/core'

/**
 * The upstreams of a replay, which are never connected to. A routed request is answered with the
 * status recorded for it, found by its abort signal (the router sends the request's own signal on);
 * anything else, an active health check, gets 200: the upstreams are taken to be healthy.
 */
export class OfflineUpstreams {
  readonly #recorded = new WeakMap<AbortSignal, number>()

  /** The abort signal of one replayed request: routed on, the request is answered with `status`. */
  signalFor(status: number): AbortSignal {
    const { signal } = new AbortController()
    this.#recorded.set(signal, status)
    return signal
  }

  /** The transport factory to build the engine with, for every upstream target. */
  readonly transport: UpstreamTransportFactory = () => ({
    send: async (request): Promise<UpstreamResponse> => {
      const status = request.signal === undefined ? undefined : this.#recorded.get(request.signal)
      return { status: status ?? 200, headers: [], body: null }
    },
    close: async () => {},
  })
}
