/** What stands in for a secret in the configuration summary. */
export const maskedValue = '[REDACTED]'

/** Keys whose values are secrets (or credentials' hashes) wherever they appear. */
const secretKey =
  /token|secret|password|passphrase|private|credential|authorization|hash|apikey|api-key|^key$|^keys?$|^d$|^k$/i
/** Keys whose objects map header names to values to send (a collector's API key, say): every value is masked. */
const headerMaps = new Set(['headers', 'requestHeaders'])
const longText = 200

const isEnvReference = (value: string) => /^env:[A-Za-z_][A-Za-z0-9_]*$/.test(value)

/** A URL with its password (and any query, which may carry a key) masked. */
function maskUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return value
  }
  if (url.password === '' && url.search === '') return value
  if (url.password !== '') url.password = 'REDACTED'
  if (url.search !== '') url.search = '?REDACTED'
  return url.toString()
}

function maskString(key: string, value: string): string {
  if (isEnvReference(value)) return value
  if (secretKey.test(key)) return maskedValue
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return maskUrl(value)
  return value.length > longText ? `[${value.length} characters]` : value
}

function summarise(key: string, value: unknown, inHeaders: boolean): unknown {
  if (typeof value === 'string') return inHeaders && !isEnvReference(value) ? maskedValue : maskString(key, value)
  if (typeof value === 'function') return '[code]'
  if (Array.isArray(value)) return value.map((item) => summarise(key, item, inHeaders))
  if (typeof value !== 'object' || value === null) return value
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return '[code]'
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => {
      const headerMap = headerMaps.has(name) && typeof item === 'object' && item !== null && !Array.isArray(item)
      return [name, summarise(name, item, inHeaders || headerMap)]
    }),
  )
}

/**
 * The configuration as written (before `env:` references are read, so those show as `env:NAME`),
 * with every secret masked: tokens, passwords, key hashes and keys, header values to send, URL
 * passwords and queries; code-only values (stages, stores, handlers) show as `[code]`, and long
 * texts (certificates) as their length.
 */
export function configSummary(config: object): Record<string, unknown> {
  return summarise('', config, false) as Record<string, unknown>
}
