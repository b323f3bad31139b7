import { isDeepStrictEqual } from 'node:util'
import type { Route, Variant } from './workload'

// The gateway sets a request id on every response it lets through; a bare app sets none.
const gatewayMarker = 'x-request-id'

async function probeRoute(url: string, route: Route, variant: Variant, label: string): Promise<Response> {
  const response = await fetch(`${url}${route.path}`, {
    method: route.method,
    headers: route.headers,
    body: route.body,
  })
  const body: unknown = await response.json()
  if (response.status !== route.expectedStatus || !isDeepStrictEqual(body, route.expectedBody)) {
    throw new Error(`${label}, ${route.label}: got ${response.status} ${JSON.stringify(body)}`)
  }
  if (response.headers.has(gatewayMarker) !== variant.gateway) {
    throw new Error(`${label}, ${route.label}: ${gatewayMarker} ${variant.gateway ? 'missing' : 'present'}`)
  }
  return response
}

/**
 * Checks a server before it is measured: every route answers the expected status and body, the
 * gateway is in front exactly when the variant says so, and a route asked twice answers the second
 * time with the variant's `repeatHeader` (a cache hit). A benchmark of a broken server or of the
 * wrong variant would be worse than none.
 */
export async function probeServer(url: string, variant: Variant, label: string): Promise<void> {
  for (const route of variant.routes) {
    await probeRoute(url, route, variant, label)
    if (variant.repeatHeader === undefined) continue
    const [name, value] = variant.repeatHeader
    const again = await probeRoute(url, route, variant, label)
    if (again.headers.get(name) !== value)
      throw new Error(`${label}, ${route.label}: ${name} ${again.headers.get(name)} on the second request`)
  }
}
