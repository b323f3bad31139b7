import type { ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { type BodyStart, readBodyStart } from './body-start'

// Bodies up to this size are written in one go, with their length; larger ones stream.
const bufferedBodyLimit = 64 * 1024

/** Copies a Fetch `Response`'s status and headers onto a Node response (`Set-Cookie` stays split). */
export function writeHead(res: ServerResponse, response: Response): void {
  res.statusCode = response.status
  if (response.statusText !== '') res.statusMessage = response.statusText
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value)
  }
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) res.setHeader('set-cookie', cookies)
}

/**
 * Writes a Fetch `Response` to a Node response: small bodies in one write, others streamed with
 * backpressure. Resolves when the response is finished or the client has gone away.
 */
export async function writeResponse(res: ServerResponse, response: Response, method: string): Promise<void> {
  writeHead(res, response)
  const body = response.body
  if (body === null || method === 'HEAD') {
    await body?.cancel()
    res.end()
    return
  }
  let start: BodyStart
  try {
    start = await readBodyStart(body, bufferedBodyLimit)
  } catch {
    // An upstream's body broke off (or stalled past its timeout) after its headers: cut the connection.
    res.destroy()
    return
  }
  if (start.whole) {
    res.end(start.bytes)
    return
  }
  // The status and headers go out now: a client waiting on a stream (events, a slow upstream) sees them at once.
  res.flushHeaders()
  try {
    await pipeline(Readable.from(start.chunks, { objectMode: false }), res)
  } catch {
    // The client went away or the body failed midway: the socket is already torn down.
    res.destroy()
  }
}
