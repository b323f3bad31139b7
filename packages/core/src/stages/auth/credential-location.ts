import type { GatewayRequest } from '../../request/gateway-request'

/** Where a credential is read from: a header, a query parameter or a cookie. */
export type CredentialLocation = { readonly header: string } | { readonly query: string } | { readonly cookie: string }

/** A credential found in a request, with where it was, so it can be stripped. */
export interface FoundCredential {
  readonly value: string
  readonly location: CredentialLocation
}

/** Reads the first credential present in the given locations, in order. Empty values count as absent. */
export function findCredential(
  request: GatewayRequest,
  locations: readonly CredentialLocation[],
): FoundCredential | undefined {
  for (const location of locations) {
    let value: string | null | undefined
    if ('header' in location) value = request.headers.get(location.header)
    else if ('query' in location) value = request.rawQuery === '' ? null : request.query.get(location.query)
    else value = request.headers.has('cookie') ? request.cookies[location.cookie] : undefined
    if (value !== null && value !== undefined && value.trim() !== '') return { value: value.trim(), location }
  }
  return undefined
}

const bearerPattern = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i

/**
 * Reads a bearer token: from an `Authorization: Bearer` header (RFC 6750 §2.1), or from a cookie.
 * A header that says Bearer but is malformed is returned as `malformed`, so it is refused, not ignored.
 */
export function findBearerToken(
  request: GatewayRequest,
  locations: readonly ({ readonly header: string } | { readonly cookie: string })[],
): FoundCredential | 'malformed' | undefined {
  for (const location of locations) {
    if ('cookie' in location) {
      const value = request.headers.has('cookie') ? request.cookies[location.cookie] : undefined
      if (value !== undefined && value !== '') return { value, location }
      continue
    }
    const header = request.headers.get(location.header)
    if (header === null || header.trim() === '') continue
    if (!/^Bearer\b/i.test(header.trim())) continue
    const match = bearerPattern.exec(header.trim())
    return match === null ? 'malformed' : { value: match[1] as string, location }
  }
  return undefined
}

/** Records the credential's removal from the request that goes on. */
export function stripCredential(
  onward: { removeHeader(name: string): void; removeQueryParam(name: string): void; removeCookie(name: string): void },
  location: CredentialLocation,
): void {
  if ('header' in location) onward.removeHeader(location.header)
  else if ('query' in location) onward.removeQueryParam(location.query)
  else onward.removeCookie(location.cookie)
}
