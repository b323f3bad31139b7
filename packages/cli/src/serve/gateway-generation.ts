import type { IncomingMessage, ServerResponse } from 'node:http'
import type { NodeGateway } from '@portcullis/node'

/**
 * One gateway built from one version of the config, and the requests it is answering. A reload
 * starts a new generation; the previous one answers what it already took, then is closed.
 */
export class GatewayGeneration {
  /** The gateway: a request listener that answers 404 `route.not_found` when no route does. */
  readonly gateway: NodeGateway
  readonly #responses = new Set<ServerResponse>()
  readonly #whenIdle: (() => void)[] = []
  readonly #onSettled: () => void
  #closing: Promise<void> | undefined

  /** `onSettled` runs after each response of this generation is done. */
  constructor(gateway: NodeGateway, onSettled: () => void = () => {}) {
    this.gateway = gateway
    this.#onSettled = onSettled
  }

  /** The requests this generation is answering now. */
  get inFlight(): number {
    return this.#responses.size
  }

  /** The responses still in flight. */
  responses(): Iterable<ServerResponse> {
    return this.#responses
  }

  /** Hands a request to this generation's gateway; it counts as in flight until its response closes. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    this.#responses.add(res)
    res.once('close', () => {
      // The gateway reports the finished response (access log, analytics) on the same 'close'
      // event, from a listener added after this one: only close the gateway once that has run.
      setImmediate(() => {
        this.#responses.delete(res)
        if (this.#responses.size === 0) for (const resolve of this.#whenIdle.splice(0)) resolve()
        this.#onSettled()
      })
    })
    this.gateway(req, res)
  }

  /** Settles once no request of this generation is in flight (at once when none is). */
  idle(): Promise<void> {
    if (this.#responses.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.#whenIdle.push(resolve))
  }

  /**
   * Closes the gateway once its requests are done, which flushes its telemetry (the access log,
   * the exporters). Calling it again returns the same promise.
   */
  retire(): Promise<void> {
    this.#closing ??= this.idle().then(() => this.gateway.close())
    return this.#closing
  }
}
