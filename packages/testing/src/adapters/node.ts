import type { IncomingMessage, ServerResponse } from 'node:http'
import { gateway } from '@portcullis/node'
import { listen } from '../listen'
import { readStream } from '../read-stream'
import { type AdapterFixture, echo, runningFixture } from './fixture'

/** node:http with `gateway(config).wrap(listener)`. */
export const nodeFixture: AdapterFixture = {
  name: 'node',
  rewritesTarget: true,
  knowsRouteTemplates: false,
  async start(config, options = {}) {
    const gw = gateway(config)
    const app = async (req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? '/'
      const header = (name: string) => req.headers[name] as string | undefined
      let body: unknown
      if (url === '/json' && req.method === 'POST') {
        // JSON is parsed, like the frameworks' body parsers do; other media types are kept as text.
        const text = await readStream(req)
        if (!req.headers['content-type']?.includes('json')) body = text
        else {
          try {
            body = JSON.parse(text || 'null')
          } catch {
            // As the frameworks' parsers do: a malformed body is the client's error, not a crash.
            res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"malformed JSON"}')
            return
          }
        }
      }
      if (url === '/raw' && req.method === 'POST') body = await readStream(req)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(echo('node', req.method ?? 'GET', url, req.portcullis, header, body)))
    }
    const server = await listen(gw.wrap(app), options.tls)
    return runningFixture(server, gw)
  },
}
