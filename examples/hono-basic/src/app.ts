import { gateway } from '@portcullis/hono'
import { Hono } from 'hono'

/** A small Hono app with the gateway as its first middleware. */
export function createApp() {
  const gw = gateway({ trustedProxies: ['loopback'], request: { maxBodyBytes: '64kb' } })
  const app = new Hono()
  app.use(gw)
  app.get('/hello/:name', (c) => {
    const ctx = c.get('portcullis')
    return c.json({ hello: c.req.param('name'), requestId: ctx.requestId, ip: ctx.request.ip })
  })
  app.post('/echo', async (c) => c.json({ received: await c.req.json() }, 201))
  return { app, gateway: gw }
}
