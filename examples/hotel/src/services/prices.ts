import { Router } from 'express'
import { findHotel } from './hotels'
import { sendProblem } from './problem'
import { type RoomTypeId, roomTypes } from './room-types'

const base: Record<RoomTypeId, number> = { single: 89, double: 129, suite: 249 }

/** Nightly price in EUR cents: weekends cost a quarter more. */
export function nightlyPrice(roomType: RoomTypeId, date: string): number {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
  const weekend = weekday === 5 || weekday === 6
  return Math.round(base[roomType] * (weekend ? 1.25 : 1) * 100)
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/

/** The prices service: what a night costs per room type. */
export function pricesService(): Router {
  const router = Router()
  router.get('/hotels/:id/prices', (req, res) => {
    const hotel = findHotel(req.params.id)
    if (hotel === undefined) return sendProblem(res, 404, 'hotel.not_found', 'No such hotel')
    const date = String(req.query.date ?? new Date().toISOString().slice(0, 10))
    if (!datePattern.test(date)) return sendProblem(res, 400, 'prices.bad_date', 'Invalid date', 'Use YYYY-MM-DD.')
    const prices = roomTypes.map((room) => ({
      roomType: room.id,
      currency: 'EUR',
      amount: nightlyPrice(room.id, date) / 100,
    }))
    return res.json({ hotel: hotel.id, date, prices })
  })
  return router
}
