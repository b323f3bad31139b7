import { serve } from '@hono/node-server'
import { gateway } from '@portcullis/hono'
import { Hono } from 'hono'
import { gatewayConfig } from './gateway-configs'
import { createdUser, userById } from './routes'
import { announce, benchHost, startupOptions } from './startup'

const options = startupOptions()
const app = new Hono()
// Hono runs middleware in registration order: the gateway must come before the routes.
if (options.gateway) app.use(gateway(gatewayConfig(options.profile, options.store)))
app.get('/users/:id', (c) => c.json(userById(c.req.param('id'))))
app.post('/users', async (c) => c.json(createdUser(await c.req.json()), 201))

serve({ fetch: app.fetch, port: options.port, hostname: benchHost }, (info) => announce(info.port, options))
