/** Quotes a value for an HTTP auth-param (RFC 9110 quoted-string). */
export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`
}

/** A `WWW-Authenticate` challenge: `Scheme realm="…", key="…"` (RFC 9110 §11.6.1). */
export function challenge(scheme: string, params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${quote(value)}`)
  return parts.length === 0 ? scheme : `${scheme} ${parts.join(', ')}`
}

/**
 * An RFC 6750 `error_description`: printable ASCII without `"` and `\\` (§3), so double quotes in a
 * detail become single quotes and anything else outside the set is dropped.
 */
export function errorDescription(detail: string): string {
  return detail.replace(/"/g, "'").replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '')
}

/** The Bearer challenge (RFC 6750 §3), with an error and its description when a token was refused. */
export function bearerChallenge(
  realm: string,
  error?: { code: 'invalid_token' | 'invalid_request'; description: string },
): string {
  return challenge('Bearer', {
    realm,
    error: error?.code,
    error_description: error === undefined ? undefined : errorDescription(error.description),
  })
}
