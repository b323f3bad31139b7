import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { GatewayConfig } from '@portcullis/core'
import { loadConfigFile } from '@portcullis/core/config-file'
import '@portcullis/dashboard'
import { type ExpressGateway, gateway } from '@portcullis/express'
import express, { type Express } from 'express'
import { demoIdp } from './demo-idp/demo-idp'
import { bookingsService } from './services/bookings'
import { hotels } from './services/hotels'
import { pricesHandler } from './services/prices'
import { sendProblem } from './services/problem'
import type { HotelServices } from './services/service-servers'

/** The gateway config of the demo, from `portcullis.yaml` beside this folder. */
export const configFile = fileURLToPath(new URL('../portcullis.yaml', import.meta.url))

/**
 * The admin token the config reads (env:PORTCULLIS_ADMIN_TOKEN): the environment's, else a new random
 * one for this process, so the demo's dashboard is never open with a token someone else knows.
 */
export function demoAdminToken(): string {
  process.env.PORTCULLIS_ADMIN_TOKEN ??= `adm_${randomBytes(24).toString('base64url')}`
  return process.env.PORTCULLIS_ADMIN_TOKEN
}

/** The hotel API: one public entry point, the gateway first, then the services. */
export interface HotelApp {
  readonly app: Express
  readonly gateway: ExpressGateway
}

/** The config file's routes, with the prices service in front: an in-process handler needs code. */
function withPricesRoute(config: GatewayConfig): GatewayConfig {
  const routes = config.routes
  const prices = { name: 'prices', match: 'GET /api/v1/hotels/{id}/prices', handler: pricesHandler }
  if (routes === undefined || Array.isArray(routes)) return { ...config, routes: [prices, ...(routes ?? [])] }
  return { ...config, routes: { ...routes, rules: [prices, ...routes.rules] } }
}

/**
 * Builds the demo: the gateway first, then the hotels and bookings the app serves itself. The routes
 * in `portcullis.yaml` send dates and room types on to their own services (`services`, whose URLs the
 * file reads from HOTEL_DATES_URL and HOTEL_ROOM_TYPES_URL), and prices go to an in-process handler.
 */
export function createHotelApp(services: HotelServices, overrides: Partial<GatewayConfig> = {}): HotelApp {
  process.env.HOTEL_DATES_URL = services.dates
  process.env.HOTEL_ROOM_TYPES_URL = services.roomTypes
  demoAdminToken()
  const gw = gateway({ ...withPricesRoute(loadConfigFile(configFile)), ...overrides })
  const app = express()
  app.disable('x-powered-by')
  app.use(gw)
  app.use(demoIdp())
  const api = express.Router()
  api.get('/hotels', (_req, res) => {
    res.json({ hotels })
  })
  api.use(bookingsService())
  app.use('/api/v1', api)
  app.use((_req, res) => sendProblem(res, 404, 'hotel.no_such_endpoint', 'No such endpoint'))
  return { app, gateway: gw }
}
