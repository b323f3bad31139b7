import type { IncomingMessage, ServerResponse } from 'node:http'
import { createdUser, userById } from './routes'

const usersPrefix = '/users/'

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

/**
 * Hand routing, as a bare node:http service would do it: the baseline every framework is held
 * against, and the upstream of the routing benchmark.
 */
export function usersListener(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/'
  if (req.method === 'GET' && url.startsWith(usersPrefix)) {
    sendJson(res, 200, userById(url.slice(usersPrefix.length)))
  } else if (req.method === 'POST' && url === '/users') {
    readJson(req).then(
      (body) => sendJson(res, 201, createdUser(body)),
      () => sendJson(res, 400, { error: 'invalid JSON' }),
    )
  } else {
    notFoundListener(req, res)
  }
}

/** Answers 404: behind a gateway whose routes answer everything, reaching it means a route missed. */
export function notFoundListener(_req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 404, { error: 'not found' })
}
