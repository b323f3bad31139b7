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
