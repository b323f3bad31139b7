import { type ExpressGateway, gateway } from '@portcullis/express'
import express, { type Express } from 'express'

/** A small Express app with the gateway mounted first, at the root. */
export function createApp(): { app: Express; gateway: ExpressGateway } {
  const gw = gateway({ trustedProxies: ['loopback'], request: { maxBodyBytes: '64kb' } })
  const app = express()
  app.use(gw)
  app.use(express.json())
  app.get('/hello/:name', (req, res) => {
    res.json({ hello: req.params.name, requestId: req.portcullis?.requestId, ip: req.portcullis?.request.ip })
  })
  app.post('/echo', (req, res) => {
    res.status(201).json({ received: req.body })
  })
  return { app, gateway: gw }
}
