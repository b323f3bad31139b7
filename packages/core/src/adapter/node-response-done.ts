/**
 * The parts of a Node `ServerResponse` read here, typed structurally so core imports nothing from
 * Node (the Hono adapter watches `c.env.outgoing` on @hono/node-server this way).
 */
export interface NodeResponseLike {
  readonly statusCode: number
  readonly destroyed?: boolean
  /** Node's own measure of a body passed whole to `end()` (not part of its documented API). */
  readonly _contentLength?: number | null
  getHeader(name: string): number | string | string[] | undefined
  on(event: 'close', listener: () => void): unknown
}

/**
 * Reports the status and the body size once a Node-style response is done: `close` follows both a
 * finished response and a connection that went away. The size is the `Content-Length` header, or
 * the length Node measured when the body was passed whole to `end()`; a streamed body without a
 * declared length has none. Nothing on the response is wrapped (wrapping `write`/`end` cost ~10 µs
 * per request on Express), so the request path pays one listener.
 */
export function onNodeResponseDone(
  res: NodeResponseLike,
  onDone: (status: number, bytes: number | undefined) => void,
): void {
  const done = () => {
    const length = res.getHeader('content-length') ?? res._contentLength ?? undefined
    onDone(res.statusCode, length === undefined ? undefined : Number(length))
  }
  // The client may have gone while the stages ran: then no event will come.
  if (res.destroyed === true) done()
  else res.on('close', done)
}
