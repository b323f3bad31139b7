import type { GatewayConfig } from '../../config/schema'
import { queryPairName } from '../../engine/onward-request'

/** What redaction puts where a secret was. */
export const redacted = '[REDACTED]'

// Headers that carry credentials in every API; the config's API-key headers and its own list are added.
const secretHeaders = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']
// Query parameters that carry credentials by convention (OAuth, signed URLs, API keys).
const secretQuery = [
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'api_key',
  'apikey',
  'key',
  'password',
  'secret',
  'client_secret',
  'signature',
  'sig',
]

/** Takes secrets out of what leaves the gateway: header values and query parameter values. */
export interface Redactor {
  /** Whether a header's value is a secret. */
  isSecretHeader(name: string): boolean
  /** The raw query with secret parameters' values replaced. */
  query(rawQuery: string): string
}

/**
 * The redactor of a config: the standard credential headers and query parameters, the places the
 * config's API keys and bearer tokens are read from, and `telemetry.redact`.
 */
export function compileRedactor(config: GatewayConfig): Redactor {
  const headers = new Set(secretHeaders)
  const query = new Set(secretQuery)
  const locations = [...(config.auth?.apiKeys?.in ?? []), ...(config.auth?.jwt?.in ?? [])] as readonly Record<
    string,
    string
  >[]
  for (const location of locations) {
    if (location.header !== undefined) headers.add(location.header.toLowerCase())
    if (location.query !== undefined) query.add(location.query)
  }
  for (const name of config.telemetry?.redact?.headers ?? []) headers.add(name.toLowerCase())
  for (const name of config.telemetry?.redact?.query ?? []) query.add(name)
  return {
    isSecretHeader: (name) => headers.has(name.toLowerCase()),
    query(rawQuery) {
      if (rawQuery === '') return rawQuery
      return rawQuery
        .split('&')
        .map((pair) => {
          const { raw, decoded } = queryPairName(pair)
          return query.has(decoded) || query.has(decoded.toLowerCase()) ? `${raw}=${redacted}` : pair
        })
        .join('&')
    },
  }
}
