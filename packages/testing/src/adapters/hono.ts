import { getRequestListener } from '@hono/node-server'
import { gateway } from '@portcullis/hono'
import { type Context, Hono } from 'hono'
import { listen } from '../listen'
import { type AdapterFixture, echo, runningFixture } from './fixture'

/** Hono 4 on @hono/node-server with `app.use(gateway(config))` first. */
export const honoFixture: AdapterFixture = {
  name: 'hono',
  rewritesTarget: false,
  knowsRouteTemplates: true,
  async start(config, options = {}) {
    const gw = gateway(config)
    const app = new Hono()
    const reply = (c: Context, body?: unknown) => {
      const url = new URL(c.req.url)
      return c.json(
        echo(
          'hono',
          c.req.method,
          `${c.req.path}${url.search}`,
          c.get('portcullis'),
          (name) => c.req.header(name),
          body,
        ),
      )
    }
    app.use(gw)
    app.get('/users/:id', (c) => reply(c))
    app.post('/json', async (c) =>
      reply(c, c.req.header('content-type')?.includes('json') ? await c.req.json() : await c.req.text()),
    )
    app.post('/raw', async (c) => reply(c, await c.req.raw.text()))
    app.all('*', (c) => reply(c))
    const server = await listen(getRequestListener(app.fetch), options.tls)
    return runningFixture(server, gw)
  },
}
