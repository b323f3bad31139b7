import { gateway } from '@portcullis/express'
import express from 'express'
import { listen } from '../listen'
import { readStream } from '../read-stream'
import { type AdapterFixture, echo, runningFixture } from './fixture'

/** Express 5 with `app.use(gateway(config))` first, then `express.json()`. */
export const expressFixture: AdapterFixture = {
  name: 'express',
  rewritesTarget: true,
  knowsRouteTemplates: true,
  async start(config, options = {}) {
    const gw = gateway(config)
    const app = express()
    app.use(gw)
    const reply = (req: express.Request, res: express.Response, body?: unknown) =>
      res.json(echo('express', req.method, req.url, req.portcullis, (name) => req.get(name), body))
    app.post('/raw', async (req, res) => reply(req, res, await readStream(req)))
    app.use(express.json())
    app.get('/users/:id', (req, res) => reply(req, res))
    app.post('/json', (req, res) => reply(req, res, req.body ?? null))
    app.all('/{*rest}', (req, res) => reply(req, res))
    const server = await listen(app, options.tls)
    return runningFixture(server, gw)
  },
}
