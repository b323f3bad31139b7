import type { IncomingMessage, ServerResponse } from 'node:http'
import { gateway } from '@portcullis/node'

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null')
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** A plain request listener with the gateway in front of it. */
export function createListener() {
  const gw = gateway({ trustedProxies: ['loopback'], request: { maxBodyBytes: '64kb' } })
  const listener = gw.wrap(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const hello = /^\/hello\/([^/]+)$/.exec(url.pathname)
    if (req.method === 'GET' && hello) {
      return send(res, 200, {
        hello: decodeURIComponent(hello[1] as string),
        requestId: req.portcullis?.requestId,
        ip: req.portcullis?.request.ip,
      })
    }
    if (req.method === 'POST' && url.pathname === '/echo') return send(res, 201, { received: await readJson(req) })
    return send(res, 404, { error: 'not found' })
  })
  return { listener, gateway: gw }
}
