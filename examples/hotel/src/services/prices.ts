import type { RouteHandler } from '@portcullis/core'
import { findHotel } from './hotels'
import { type RoomTypeId, roomTypes } from './room-types'

const base: Record<RoomTypeId, number> = { single: 89, double: 129, suite: 249 }

/** Nightly price in EUR cents: weekends cost a quarter more. */
export function nightlyPrice(roomType: RoomTypeId, date: string): number {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
  const weekend = weekday === 5 || weekday === 6
  return Math.round(base[roomType] * (weekend ? 1.25 : 1) * 100)
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/

/** The service's own errors, in the same problem+json shape as the gateway's. */
function problem(request: Request, status: number, code: string, title: string, detail?: string): Response {
  const body = { type: `https://hotel.example/errors#${code}`, title, status, code, detail }
  return Response.json(
    { ...body, instance: request.headers.get('x-request-id') ?? undefined },
    { status, headers: { 'content-type': 'application/problem+json' } },
  )
}

/**
 * The prices service: what a night costs per room type. It runs in the gateway's process as a
 * Fetch handler (a route's `handler`), the way an edge worker would: no hop, no server of its own.
 */
export const pricesHandler: RouteHandler = (request, { params }) => {
  const hotel = findHotel(params.id ?? '')
  if (hotel === undefined) return problem(request, 404, 'hotel.not_found', 'No such hotel')
  const date = new URL(request.url).searchParams.get('date') ?? new Date().toISOString().slice(0, 10)
  if (!datePattern.test(date)) return problem(request, 400, 'prices.bad_date', 'Invalid date', 'Use YYYY-MM-DD.')
  const prices = roomTypes.map((room) => ({
    roomType: room.id,
    currency: 'EUR',
    amount: nightlyPrice(room.id, date) / 100,
  }))
  return Response.json({ hotel: hotel.id, date, prices })
}
