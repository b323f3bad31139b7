import type { GatewayRequest } from '../../request/gateway-request'

/**
 * The request's JSON body for a key, read once (the app still gets it), or `undefined` when there is
 * none, it is not JSON, or it does not parse: a key part then falls back to the client IP.
 */
export async function jsonBodyOf(request: GatewayRequest): Promise<unknown> {
  if (!request.body.present || !(request.headers.get('content-type') ?? '').includes('json')) return undefined
  return request.body.json().catch(() => undefined)
}
