import { routePatternProblem } from '../matching/route-pattern'
import { isValidProxyEntry } from '../request/client-ip'
import { isTimeZone } from '../stages/limits/quota-period'
import { parseByteSize } from './byte-size'
import { parseDuration } from './duration'
import type { CheckKind } from './schema-primitives'

const headerNamePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const dateTimePattern = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/
const keyHashPattern = /^sha256:[0-9a-f]{64}$/

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

/** Runs one semantic check; returns the problem message, or `undefined` when the value is fine. */
export function runSemanticCheck(kind: CheckKind, value: string): string | undefined {
  switch (kind) {
    case 'proxy-address':
      return isValidProxyEntry(value)
        ? undefined
        : 'must be an IP address, a CIDR range, an IPv4 netmask range, or one of loopback, linklocal, uniquelocal'
    case 'byte-size':
      return parseByteSize(value) === undefined ? 'must be a size such as 1048576, "512kb" or "1mb"' : undefined
    case 'header-name':
      return headerNamePattern.test(value) ? undefined : 'must be a valid HTTP header name'
    case 'duration':
      return parseDuration(value) === undefined
        ? 'must be a duration with its unit, such as "500ms", "30s" or "10m"'
        : undefined
    case 'route-pattern': {
      const problem = routePatternProblem(value)
      return problem === undefined ? undefined : `${problem}`
    }
    case 'url':
      return isHttpUrl(value) ? undefined : 'must be an http:// or https:// URL'
    case 'date-time':
      return dateTimePattern.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : 'must be an ISO 8601 date-time, such as "2027-01-31T00:00:00Z"'
    case 'time-zone':
      return isTimeZone(value) ? undefined : 'must be an IANA time zone, such as "UTC" or "Europe/Berlin"'
    case 'key-hash':
      return keyHashPattern.test(value)
        ? undefined
        : 'must be "sha256:" followed by 64 lowercase hex digits (see `portcullis key hash`)'
  }
}
