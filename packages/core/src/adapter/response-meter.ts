/**
 * The parts of a Node `ServerResponse` the meter uses, typed structurally so core imports nothing
 * from Node (the Hono adapter meters `c.env.outgoing` on @hono/node-server this way).
 */
export interface NodeResponseLike {
  statusCode: number
  readonly destroyed?: boolean
  write(chunk: unknown, ...rest: unknown[]): boolean
  end(...args: unknown[]): unknown
  once(event: 'finish' | 'close', listener: () => void): unknown
  off(event: 'finish' | 'close', listener: () => void): unknown
}

/** The UTF-8 length of a string, without encoding it. */
function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

function chunkLength(chunk: unknown, encoding: unknown): number {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return 0
  if (typeof chunk === 'string') {
    if (encoding === 'latin1' || encoding === 'binary' || encoding === 'ascii') return chunk.length
    return encoding === 'base64' ? Math.floor((chunk.replace(/=+$/, '').length * 3) / 4) : utf8Length(chunk)
  }
  return ArrayBuffer.isView(chunk) ? chunk.byteLength : 0
}

/**
 * Counts the body bytes written to a Node-style response and reports the status and the count
 * once, when the response finishes or the connection closes first.
 */
export function meterNodeResponse(res: NodeResponseLike, onDone: (status: number, bytes: number) => void): void {
  let bytes = 0
  const { write, end } = res
  res.write = function meteredWrite(this: NodeResponseLike, chunk: unknown, ...rest: unknown[]) {
    bytes += chunkLength(chunk, rest[0])
    return write.call(this, chunk, ...rest)
  }
  res.end = function meteredEnd(this: NodeResponseLike, ...args: unknown[]) {
    bytes += chunkLength(args[0], args[1])
    return end.apply(this, args)
  }
  const done = () => {
    res.off('finish', done)
    res.off('close', done)
    onDone(res.statusCode, bytes)
  }
  // The client may have gone while the stages ran: then no event will come.
  if (res.destroyed === true) {
    onDone(res.statusCode, 0)
    return
  }
  res.once('finish', done)
  res.once('close', done)
}
