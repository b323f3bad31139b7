import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gateway } from '@portcullis/node'
import { createdUser, userById } from './routes'
import { announce, benchHost, startupOptions } from './startup'

const usersPrefix = '/users/'

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

// Hand routing, as a bare node:http service would do it: the baseline every framework is held against.
function listener(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/'
  if (req.method === 'GET' && url.startsWith(usersPrefix)) {
    sendJson(res, 200, userById(url.slice(usersPrefix.length)))
  } else if (req.method === 'POST' && url === '/users') {
    readJson(req).then(
      (body) => sendJson(res, 201, createdUser(body)),
      () => sendJson(res, 400, { error: 'invalid JSON' }),
    )
  } else {
    sendJson(res, 404, { error: 'not found' })
  }
}

const options = startupOptions()
const server = createServer(options.gateway ? gateway({}).wrap(listener) : listener)
server.listen(options.port, benchHost, () => announce((server.address() as AddressInfo).port, options))
