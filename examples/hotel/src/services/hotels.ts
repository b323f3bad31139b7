/** The hotels the demo knows; each service below serves one aspect of them. */
export interface Hotel {
  readonly id: string
  readonly name: string
  readonly city: string
}

export const hotels: readonly Hotel[] = [
  { id: 'h1', name: 'Harbour View', city: 'Lisbon' },
  { id: 'h2', name: 'Alpine Lodge', city: 'Innsbruck' },
  { id: 'h3', name: 'Canal House', city: 'Amsterdam' },
]

export const findHotel = (id: string): Hotel | undefined => hotels.find((hotel) => hotel.id === id)
