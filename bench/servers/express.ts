import type { AddressInfo } from 'node:net'
import { gateway } from '@portcullis/express'
import express from 'express'
import { gatewayConfig } from './gateway-configs'
import { createdUser, userById } from './routes'
import { announce, benchHost, startupOptions } from './startup'

const options = startupOptions()
// Express defaults stay on (ETag on res.json, X-Powered-By): the app as most people run it.
const app = express()
if (options.gateway) app.use(gateway(gatewayConfig(options.profile, options.store)))
app.use(express.json())
app.get('/users/:id', (req, res) => {
  res.json(userById(req.params.id))
})
app.post('/users', (req, res) => {
  res.status(201).json(createdUser(req.body))
})

const server = app.listen(options.port, benchHost, () => announce((server.address() as AddressInfo).port, options))
