import type { AddressInfo } from 'node:net'
import { ConfigError } from '@portcullis/core'
import { createHotelApp } from './app'
import { logRequests } from './request-log'

const port = Number(process.env.PORT ?? 3000)

let hotel: ReturnType<typeof createHotelApp>
try {
  hotel = createHotelApp()
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}

logRequests(hotel.gateway.engine)
const server = hotel.app.listen(port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  console.log(`
Portcullis hotel demo: ${base}/api/v1 (the gateway runs in front of every request)

Try:
  curl -i ${base}/api/v1/hotels
  curl -i ${base}/api/v1/hotels/h1/dates
  curl -i ${base}/api/v1/hotels/h2/prices?date=2026-12-24
  curl -i -H 'x-request-id: demo-1' ${base}/api/v1/room-types
  curl -i -X POST ${base}/api/v1/bookings -H 'content-type: application/json' \\
       -d '{"hotel":"h1","roomType":"double","checkIn":"2026-12-24","nights":2,"guest":"Ada"}'

What the gateway refuses, as application/problem+json:
  curl -i --path-as-is '${base}/api/v1/hotels/..%2Fadmin'        # 400 request.path_encoded_separator
  curl -i --path-as-is '${base}/api/v1/hotels;x=1'               # 400 request.path_parameter
  head -c 20000 /dev/zero | curl -i -X POST ${base}/api/v1/bookings --data-binary @-   # 413

And what it normalises before the app sees it:
  curl -i --path-as-is '${base}/api/v1/x/../hotels'              # served as /api/v1/hotels

One line per request follows (Ctrl-C to stop):
`)
})

const shutdown = () => {
  server.close(() => hotel.gateway.close().then(() => process.exit(0)))
  server.closeAllConnections()
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
