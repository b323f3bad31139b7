import type { CompletedResponse } from '../engine/engine'
import { maxCapturedBodyBytes } from '../engine/engine'
import { concatChunks } from '../request/body'

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
  write(chunk: unknown, ...rest: unknown[]): boolean
  end(...args: unknown[]): unknown
}

/** What is known about a finished Node-style response. */
export type NodeResponseSummary = Pick<CompletedResponse, 'status' | 'bytes' | 'contentType' | 'body'>

const encoder = new TextEncoder()

function toBytes(chunk: unknown, encoding: unknown): Uint8Array | undefined {
  if (typeof chunk === 'string')
    return encoding === undefined || encoding === 'utf8' || encoding === 'utf-8' ? encoder.encode(chunk) : undefined
  return ArrayBuffer.isView(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) : undefined
}

/** Keeps a copy of what is written to a response, up to the capture limit (only when a stage asked). */
function captureBody(res: NodeResponseLike): () => Uint8Array | undefined {
  const chunks: Uint8Array[] = []
  let size = 0
  let overflow = false
  const keep = (chunk: unknown, encoding: unknown) => {
    const bytes = overflow || typeof chunk === 'function' ? undefined : toBytes(chunk, encoding)
    if (bytes === undefined) return
    size += bytes.byteLength
    if (size > maxCapturedBodyBytes) overflow = true
    else chunks.push(bytes.slice())
  }
  const { write, end } = res
  res.write = function capturedWrite(this: NodeResponseLike, chunk: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0])
    return write.call(this, chunk, ...rest)
  }
  res.end = function capturedEnd(this: NodeResponseLike, ...args: unknown[]) {
    keep(args[0], args[1])
    return end.apply(this, args)
  }
  return () => (overflow ? undefined : concatChunks(chunks, size))
}

/**
 * Reports a Node-style response once it is done: `close` follows both a finished response and a
 * connection that went away. The size is the `Content-Length` header, or the length Node measured
 * when the body was passed whole to `end()`; a streamed body without a declared length has none.
 * Nothing on the response is wrapped (wrapping `write`/`end` costs ~10 µs per request on Express)
 * unless `captureBodies` is set, for stages that check response bodies.
 */
export function onNodeResponseDone(
  res: NodeResponseLike,
  onDone: (summary: NodeResponseSummary) => void,
  captureBodies = false,
): void {
  const captured = captureBodies ? captureBody(res) : undefined
  const done = () => {
    const length = res.getHeader('content-length') ?? res._contentLength ?? undefined
    const contentType = res.getHeader('content-type')
    onDone({
      status: res.statusCode,
      bytes: length === undefined ? undefined : Number(length),
      contentType: typeof contentType === 'string' ? contentType : undefined,
      body: captured?.(),
    })
  }
  // The client may have gone while the stages ran: then no event will come.
  if (res.destroyed === true) done()
  else res.on('close', done)
}
