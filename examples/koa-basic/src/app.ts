import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import { gateway } from '@portcullis/koa'
import Koa from 'koa'

/** A small Koa app with the gateway as its first middleware. */
export function createApp() {
  const gw = gateway({ trustedProxies: ['loopback'], request: { maxBodyBytes: '64kb' } })
  const app = new Koa()
  const router = new Router()
  router.get('/hello/:name', (ctx) => {
    ctx.body = {
      hello: ctx.params.name,
      requestId: ctx.state.portcullis?.requestId,
      ip: ctx.state.portcullis?.request.ip,
    }
  })
  router.post('/echo', (ctx) => {
    ctx.status = 201
    ctx.body = { received: ctx.request.body }
  })
  app.use(gw)
  app.use(bodyParser())
  app.use(router.routes())
  return { app, gateway: gw }
}
