import { isValidProxyEntry } from '../request/client-ip'
import { parseByteSize } from './byte-size'
import type { CheckKind } from './schema'

const headerNamePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

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
  }
}
