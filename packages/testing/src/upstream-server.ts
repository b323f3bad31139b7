import type http from 'node:http'
import { type Listening, listen } from './listen'
import { readStream } from './read-stream'

/** One request an upstream server received. */
export interface ReceivedRequest {
  readonly method: string
  /** The request target exactly as received. */
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

/** An upstream on a free port that records what reaches it. */
export interface UpstreamServer extends Listening {
  /** Every request received, in order. */
  readonly received: ReceivedRequest[]
  /** The last request received. */
  last(): ReceivedRequest | undefined
}

/**
 * How the upstream answers; the default echoes what it got as JSON with `x-upstream: <name>`. A
 * handler that reads the body itself gets `body: ''` in the record.
 */
export type UpstreamHandler = (req: http.IncomingMessage, res: http.ServerResponse, received: ReceivedRequest) => void

/** Starts an upstream server on 127.0.0.1, port 0. */
export async function startUpstream(name: string, handler?: UpstreamHandler): Promise<UpstreamServer> {
  const received: ReceivedRequest[] = []
  const server = await listen(async (req, res) => {
    const record: ReceivedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: handler === undefined ? await readStream(req) : '',
    }
    received.push(record)
    if (handler !== undefined) {
      handler(req, res, record)
      return
    }
    const body = JSON.stringify({ upstream: name, method: record.method, url: record.url, body: record.body })
    res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': name })
    res.end(body)
  })
  return Object.assign(server, { received, last: () => received.at(-1) })
}
