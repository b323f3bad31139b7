import { Router } from 'express'
import { findHotel } from './hotels'
import { sendProblem } from './problem'

const day = 86_400_000
const isoDate = (time: number) => new Date(time).toISOString().slice(0, 10)

/** Deterministic availability: a hotel is full on some days, so the answer is stable for the demo. */
const isAvailable = (hotelId: string, time: number) => (Math.floor(time / day) + hotelId.charCodeAt(1)) % 5 !== 0

/** The available-dates service: which of the next days a hotel has rooms on. */
export function datesService(now: () => number): Router {
  const router = Router()
  router.get('/hotels/:id/dates', (req, res) => {
    const hotel = findHotel(req.params.id)
    if (hotel === undefined) return sendProblem(res, 404, 'hotel.not_found', 'No such hotel')
    const days = Math.min(Number(req.query.days ?? 14) || 14, 60)
    const start = Math.floor(now() / day) * day
    const dates = Array.from({ length: days }, (_, i) => start + i * day)
      .filter((time) => isAvailable(hotel.id, time))
      .map(isoDate)
    return res.json({ hotel: hotel.id, available: dates })
  })
  return router
}
