import { randomUUID } from 'node:crypto'
import { json, Router } from 'express'
import { findHotel } from './hotels'
import { nightlyPrice } from './prices'
import { sendProblem } from './problem'
import { isRoomType } from './room-types'

interface Booking {
  readonly id: string
  readonly hotel: string
  readonly roomType: string
  readonly checkIn: string
  readonly nights: number
  readonly guest: string
  readonly totalEur: number
  readonly requestId: string | undefined
  /** Who booked: the caller the gateway identified. */
  readonly bookedBy: string | undefined
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/

/** The bookings service: takes a booking, keeps it in memory, returns it. */
export function bookingsService(): Router {
  const bookings = new Map<string, Booking>()
  const router = Router()
  router.post('/bookings', json({ limit: '16kb' }), (req, res) => {
    const { hotel, roomType, checkIn, nights, guest } = (req.body ?? {}) as Record<string, unknown>
    if (typeof hotel !== 'string' || findHotel(hotel) === undefined) {
      return sendProblem(res, 422, 'booking.unknown_hotel', 'Unknown hotel')
    }
    if (!isRoomType(roomType)) return sendProblem(res, 422, 'booking.unknown_room_type', 'Unknown room type')
    if (typeof checkIn !== 'string' || !datePattern.test(checkIn)) {
      return sendProblem(res, 422, 'booking.bad_check_in', 'Invalid check-in', 'Use YYYY-MM-DD.')
    }
    if (!Number.isInteger(nights) || (nights as number) < 1 || (nights as number) > 30) {
      return sendProblem(res, 422, 'booking.bad_nights', 'Invalid number of nights', 'Book 1 to 30 nights.')
    }
    if (typeof guest !== 'string' || guest.trim() === '')
      return sendProblem(res, 422, 'booking.no_guest', 'Guest name missing')
    const start = Date.parse(`${checkIn}T00:00:00Z`)
    let cents = 0
    for (let night = 0; night < (nights as number); night++) {
      cents += nightlyPrice(roomType, new Date(start + night * 86_400_000).toISOString().slice(0, 10))
    }
    const booking: Booking = {
      id: randomUUID(),
      hotel,
      roomType,
      checkIn,
      nights: nights as number,
      guest: guest.trim(),
      totalEur: cents / 100,
      requestId: req.portcullis?.requestId,
      bookedBy: req.portcullis?.principal?.consumer,
    }
    bookings.set(booking.id, booking)
    return res.status(201).location(`/api/v1/bookings/${booking.id}`).json(booking)
  })
  router.get('/bookings/:id', (req, res) => {
    const booking = bookings.get(req.params.id)
    if (booking === undefined) return sendProblem(res, 404, 'booking.not_found', 'No such booking')
    return res.json(booking)
  })
  return router
}
