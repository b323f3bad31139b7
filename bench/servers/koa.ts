import type { AddressInfo } from 'node:net'
import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import { gateway } from '@portcullis/koa'
import Koa from 'koa'
import { gatewayConfig } from './gateway-configs'
import { createdUser, userById } from './routes'
import { announce, benchHost, startupOptions } from './startup'

const options = startupOptions()
const app = new Koa()
const router = new Router()
router.get('/users/:id', (ctx) => {
  ctx.body = userById(ctx.params.id ?? '')
})
router.post('/users', (ctx) => {
  ctx.status = 201
  ctx.body = createdUser(ctx.request.body)
})
if (options.gateway) app.use(gateway(gatewayConfig(options.profile, options.store)))
app.use(bodyParser())
app.use(router.routes())
app.use(router.allowedMethods())

const server = app.listen(options.port, benchHost, () => announce((server.address() as AddressInfo).port, options))
