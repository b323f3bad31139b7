import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '@portcullis/core'
import { createHotelApp, demoAdminToken } from './app'
import { demoKeys } from './demo-keys'
import { logRequests } from './request-log'
import { startHotelServices } from './services/service-servers'

const port = Number(process.env.PORT ?? 3000)

// The dates and room-types services run as servers of their own; the gateway routes to them.
const services = await startHotelServices()
// One JSON line per request (pino's format, credentials redacted), beside the demo: tail -f it.
const accessLog = fileURLToPath(new URL('../access.ndjson', import.meta.url))
const otlpEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT
let hotel: ReturnType<typeof createHotelApp>
try {
  hotel = createHotelApp(services, {
    telemetry: {
      logs: { to: { file: accessLog }, headers: ['user-agent', 'x-api-key'] },
      analytics: true,
      // OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 npm run demo: one OTLP log record per request.
      ...(otlpEndpoint === undefined ? {} : { otlp: { url: otlpEndpoint, serviceName: 'hotel-demo' } }),
    },
  })
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}

// The OpenAPI document loads in the background: wait for it, and stop on a problem in it.
try {
  await hotel.gateway.engine.ready()
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error)
  process.exit(1)
}
logRequests(hotel.gateway.engine)
hotel.gateway.engine.events.on('validation.response_mismatch', (event) =>
  console.log(
    `  ! the app's ${event.status} answer breaks the API description: ${event.errors.map((e) => e.pointer).join(', ')}`,
  ),
)
const server = hotel.app.listen(port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  console.log(`
Portcullis hotel demo: ${base}/api/v1 (the gateway runs in front of every request)

Dashboard (discovered endpoints, traffic, schema diff, recommended limits, quotas):
  ${base}/_portcullis/#token=${demoAdminToken()}
Admin token: ${demoAdminToken()}   (the admin API: curl -H "authorization: Bearer <token>" ${base}/_portcullis/api/endpoints)

Public, for anyone (hotels: the app; dates: routed to ${services.dates}; prices: an in-process
handler; room types: routed to ${services.roomTypes}, then served from the cache):
  curl -i ${base}/api/v1/hotels
  curl -i ${base}/api/v1/hotels/h1/dates
  curl -i ${base}/api/v1/hotels/h2/prices?date=2026-12-24
  curl -i -H 'x-request-id: demo-1' ${base}/api/v1/room-types          # twice: X-Cache: MISS, then HIT

Bookings need an identity. A partner's API key (the demo prints it; the config keeps only its hash):
  curl -i -X POST ${base}/api/v1/bookings -H 'x-api-key: ${demoKeys.partner}' \\
       -H 'content-type: application/json' \\
       -d '{"hotel":"h1","roomType":"double","checkIn":"2026-12-24","nights":2,"guest":"Ada"}'
Or the mobile app's JWT, from the demo identity provider:
  TOKEN=$(curl -s -X POST ${base}/demo-idp/token -H 'content-type: application/json' \\
       -d '{"user":"ada","scope":"bookings:write"}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
  curl -i -X POST ${base}/api/v1/bookings -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
       -d '{"hotel":"h2","roomType":"suite","checkIn":"2027-01-02","nights":1,"guest":"Ada"}'

What the gateway refuses, as application/problem+json:
  curl -i '${base}/api/v1/hotels/h1/dates?days=365'                       # 400 validation.request_invalid (/query/days)
  curl -i -X POST ${base}/api/v1/bookings -H 'x-api-key: ${demoKeys.partner}' -H 'content-type: application/json' \\
       -d '{"hotel":"h1","roomType":"penthouse","checkIn":"someday","nights":0,"guest":"Ada"}'   # 400, four pointers
  curl -i -X POST ${base}/api/v1/bookings                                   # 401 auth.credentials_missing
  curl -i -X POST ${base}/api/v1/bookings -H 'x-api-key: ${demoKeys.reader}'   # 403 acl.forbidden (a reader)
  curl -i --path-as-is '${base}/api/v1/hotels/..%2Fadmin'                  # 400 request.path_encoded_separator
  head -c 20000 /dev/zero | curl -i -X POST ${base}/api/v1/bookings -H 'x-api-key: ${demoKeys.partner}' --data-binary @-   # 413

Rate limits and quotas (RateLimit headers on every limited answer; 429 once over):
  for i in $(seq 11); do curl -s -o /dev/null -w '%{http_code} ' ${base}/api/v1/hotels/h1/prices?date=2026-12-24; done; echo
  curl -si ${base}/api/v1/bookings/00000000-0000-4000-8000-000000000000 -H 'x-api-key: ${demoKeys.reader}' | grep -i ratelimit   # the monthly quota

Access log, one JSON line per request (API keys redacted): tail -f ${accessLog}${
    otlpEndpoint === undefined ? '' : `\nOTLP logs to ${otlpEndpoint}/v1/logs`
  }

One line per request follows (Ctrl-C to stop and print the endpoints discovery learned):
`)
})

/** On the way out: the session's traffic by endpoint, from the gateway's analytics. */
function printAnalytics(): void {
  const report = hotel.gateway.engine.telemetry.analytics(10)
  if (report === undefined || report.total.requests === 0) return
  console.log('\nTraffic by endpoint (requests, 2xx/4xx/5xx, p50 / p99 ms):')
  for (const { name, requests, statuses, latency } of report.endpoints)
    console.log(
      `  ${name.padEnd(48)} ${String(requests).padStart(6)}  ${statuses['2xx']}/${statuses['4xx']}/${statuses['5xx']}  ${latency.p50Ms.toFixed(1)} / ${latency.p99Ms.toFixed(1)}`,
    )
}

/** On the way out: what discovery learned from this session's traffic. */
async function printDiscovery(): Promise<void> {
  const discovery = hotel.gateway.engine.discovery
  if (discovery === undefined) return
  const endpoints = await discovery.endpoints()
  if (endpoints.length === 0) return
  console.log('\nEndpoints discovered from the traffic (method, template, requests, sessions):')
  for (const { method, template, requests, sessions } of endpoints)
    console.log(
      `  ${method.padEnd(6)} ${template.padEnd(40)} ${String(requests).padStart(6)} ${String(sessions).padStart(5)}`,
    )
  const diff = await discovery.diff()
  if (diff !== undefined && diff.shadow.length > 0)
    console.log(`Not in openapi.yaml (shadow): ${diff.shadow.map((e) => `${e.method} ${e.template}`).join(', ')}`)
}

const shutdown = () => {
  printAnalytics()
  printDiscovery()
    .catch(() => {})
    .finally(() => {
      server.close(() => Promise.all([hotel.gateway.close(), services.close()]).then(() => process.exit(0)))
      server.closeAllConnections()
    })
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
