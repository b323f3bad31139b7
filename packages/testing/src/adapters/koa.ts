import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import { gateway } from '@portcullis/koa'
import Koa from 'koa'
import { listen } from '../listen'
import { readStream } from '../read-stream'
import { type AdapterFixture, echo, runningFixture } from './fixture'

/** Koa 3 with `app.use(gateway(config))` first, then @koa/bodyparser and @koa/router. */
export const koaFixture: AdapterFixture = {
  name: 'koa',
  rewritesTarget: true,
  knowsRouteTemplates: true,
  async start(config, options = {}) {
    const gw = gateway(config)
    const app = new Koa()
    // Koa logs every aborted request to stderr; the suite aborts some on purpose.
    app.silent = true
    const router = new Router()
    const reply = (ctx: Koa.Context, body?: unknown) => {
      ctx.body = echo('koa', ctx.method, ctx.url, ctx.state.portcullis, (name) => ctx.get(name) || undefined, body)
    }
    router.get('/users/:id', (ctx) => reply(ctx))
    router.post('/json', (ctx) => reply(ctx, (ctx.request as { body?: unknown }).body ?? null))
    router.all('/{*rest}', (ctx) => reply(ctx))
    app.use(gw)
    app.use(async (ctx, next) => {
      if (ctx.path === '/raw' && ctx.method === 'POST') return reply(ctx, await readStream(ctx.req))
      return next()
    })
    app.use(bodyParser())
    app.use(router.routes())
    const server = await listen(app.callback(), options.tls)
    return runningFixture(server, gw)
  },
}
