import { sessionHash } from '@portcullis/core'

/**
 * A session as the gateway's discovery keys it for `sessionKey: { header }`: the gateway's own hash
 * of the value, so an offline report and a live one name a session alike, and the raw value (often a
 * credential) never reaches the output.
 */
export function headerSession(value: string | null | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  return sessionHash(`h:${value}`)
}
