import { fileURLToPath } from 'node:url'
import type { GatewayConfig } from '@portcullis/core'
import { loadConfigFile } from '@portcullis/core/config-file'
import { type ExpressGateway, gateway } from '@portcullis/express'
import express, { type Express } from 'express'
import { demoIdp } from './demo-idp/demo-idp'
import { bookingsService } from './services/bookings'
import { datesService } from './services/dates'
import { hotels } from './services/hotels'
import { pricesService } from './services/prices'
import { sendProblem } from './services/problem'
import { roomTypesService } from './services/room-types'

/** The gateway config of the demo, from `portcullis.yaml` beside this folder. */
export const configFile = fileURLToPath(new URL('../portcullis.yaml', import.meta.url))

/** The hotel API: one public entry point, the gateway first, then the services. */
export interface HotelApp {
  readonly app: Express
  readonly gateway: ExpressGateway
}

/**
 * Builds the demo. Today the dates, prices and room-types services run in this process behind
 * the gateway; when routing lands they become upstreams of their own.
 */
export function createHotelApp(overrides: Partial<GatewayConfig> = {}, now: () => number = Date.now): HotelApp {
  const gw = gateway({ ...loadConfigFile(configFile), ...overrides })
  const app = express()
  app.disable('x-powered-by')
  app.use(gw)
  app.use(demoIdp())
  const api = express.Router()
  api.get('/hotels', (_req, res) => {
    res.json({ hotels })
  })
  api.use(datesService(now))
  api.use(pricesService())
  api.use(roomTypesService())
  api.use(bookingsService())
  app.use('/api/v1', api)
  app.use((_req, res) => sendProblem(res, 404, 'hotel.no_such_endpoint', 'No such endpoint'))
  return { app, gateway: gw }
}
