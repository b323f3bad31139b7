import { isDeepStrictEqual } from 'node:util'
import { routes, type Variant } from './workload'

// The gateway sets a request id on every response it lets through; a bare app sets none.
const gatewayMarker = 'x-request-id'

/**
 * Checks a server before it is measured: every route answers the expected status and body, and
 * the gateway is in front exactly when the variant says so. A benchmark of a broken server or of
 * the wrong variant would be worse than none.
 */
export async function probeServer(url: string, variant: Variant, label: string): Promise<void> {
  for (const route of routes) {
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
  }
}
