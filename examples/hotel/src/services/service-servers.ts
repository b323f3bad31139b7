import http from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type Express } from 'express'
import { datesService } from './dates'
import { roomTypesService } from './room-types'

/** The services that run as servers of their own, behind the gateway's routes. */
export interface HotelServices {
  /** The available-dates service's base URL. */
  readonly dates: string
  /** The room-types service's base URL. */
  readonly roomTypes: string
  close(): Promise<void>
}

async function serve(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Starts the dates and room-types services, each on a free port of its own, as two teams would run
 * them. The gateway's routes send `/api/v1/hotels/{id}/dates` and `/api/v1/room-types` to them.
 */
export async function startHotelServices(now: () => number = Date.now): Promise<HotelServices> {
  const dates = express().disable('x-powered-by').use(datesService(now))
  const rooms = express().disable('x-powered-by').use(roomTypesService())
  const [datesServer, roomsServer] = await Promise.all([serve(dates), serve(rooms)])
  return {
    dates: datesServer.url,
    roomTypes: roomsServer.url,
    close: async () => {
      await Promise.all([datesServer.close(), roomsServer.close()])
    },
  }
}
