import { Router } from 'express'

/** The room-types service: what kinds of room each hotel has. */
export const roomTypes = [
  { id: 'single', name: 'Single room', sleeps: 1 },
  { id: 'double', name: 'Double room', sleeps: 2 },
  { id: 'suite', name: 'Suite', sleeps: 4 },
] as const

export type RoomTypeId = (typeof roomTypes)[number]['id']

export const isRoomType = (id: unknown): id is RoomTypeId => roomTypes.some((room) => room.id === id)

export function roomTypesService(): Router {
  const router = Router()
  router.get('/room-types', (_req, res) => {
    res.json({ roomTypes })
  })
  return router
}
