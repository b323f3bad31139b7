/** The deadlines of one upstream call, in milliseconds. */
export interface UpstreamTimeouts {
  /** Opening a connection. */
  readonly connectMs: number
  /** Waiting for the response's headers once the request is sent. */
  readonly headersMs: number
  /** The longest pause between two chunks of the response body. */
  readonly bodyMs: number
}

/** One request to an upstream target, ready to send: nothing in it comes unchecked from the client. */
export interface UpstreamRequest {
  /** The full URL: the target's origin (from config only) and the path and query to send. */
  readonly url: URL
  readonly method: string
  /** The headers to send, hop-by-hop headers removed; `host` when the route sets one. */
  readonly headers: readonly (readonly [string, string])[]
  /** The body: bytes the gateway read, a stream of the client's body, or none. */
  readonly body: Uint8Array | AsyncIterable<Uint8Array> | undefined
  /** Aborts the call (the client went away). */
  readonly signal?: AbortSignal | undefined
}

/** What an upstream answered: status, headers and a streamed body. */
export interface UpstreamResponse {
  readonly status: number
  /** The response headers; a repeated name (`set-cookie`) appears once per value. */
  readonly headers: readonly (readonly [string, string])[]
  /** The body, streamed as it arrives; `null` when there is none. */
  readonly body: ReadableStream<Uint8Array> | null
}

/** Why an upstream call failed before a response started. */
export type UpstreamFailureKind = 'connect' | 'connect-timeout' | 'headers-timeout' | 'protocol'

/** An upstream call that failed before a response started; the router maps it to 502 or 504. */
export class UpstreamFailure extends Error {
  readonly kind: UpstreamFailureKind

  constructor(kind: UpstreamFailureKind, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'UpstreamFailure'
    this.kind = kind
  }
}

/** A connection to one upstream origin (a pool where the runtime has one). */
export interface UpstreamTransport {
  /** Sends a request; rejects with an {@link UpstreamFailure} when no response starts. */
  send(request: UpstreamRequest): Promise<UpstreamResponse>
  /** Closes the connections. */
  close(): Promise<void>
}

/** How one upstream target is reached. */
export interface UpstreamTransportOptions {
  /** The target's origin, e.g. `http://127.0.0.1:4002`. */
  readonly origin: string
  /** Connections to keep to the origin. */
  readonly connections: number
  readonly timeouts: UpstreamTimeouts
}

/**
 * Makes the transport for one upstream target. Node adapters pass one built on undici's pools;
 * the default, for every runtime, uses `fetch`.
 */
export type UpstreamTransportFactory = (options: UpstreamTransportOptions) => UpstreamTransport
