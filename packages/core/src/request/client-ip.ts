import type { GatewayConfig } from '../config/schema'
import { formatIpAddress, type IpAddress, normalizeIpAddress, parseIpAddress } from './ip-address'
import { type IpRange, parseIpRanges, rangeContains } from './ip-range'
import type { RequestHeaders } from './request-headers'

/** Which header trusted proxies append the client address to. */
export type ForwardedHeader = 'x-forwarded-for' | 'forwarded'

/** The compiled `trustedProxies` setting. */
export interface ProxyTrust {
  /** Whether the address at this hop (0 = the socket peer) is a trusted proxy. */
  readonly trusts: (address: IpAddress, hop: number) => boolean
  /** The header whose entries are walked. */
  readonly header: ForwardedHeader
  /** False when nobody is trusted, so headers need not be read at all. */
  readonly trustsAnyone: boolean
}

/**
 * The headers that carry client addresses; when the socket peer is not a trusted proxy they are
 * spoofed by definition, so they are stripped before the app sees the request.
 */
export const forwardingHeaders = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-real-ip',
] as const

type TrustList = string | readonly string[] | number

/**
 * Compiles `trustedProxies` (proxy-addr semantics: named ranges, addresses, CIDRs, netmasks, or a
 * hop count). Entries must already be valid; the config validator checks them.
 */
export function compileProxyTrust(setting: GatewayConfig['trustedProxies']): ProxyTrust {
  const isObject = typeof setting === 'object' && setting !== null && !Array.isArray(setting)
  const list: TrustList = isObject ? (setting as { trust: TrustList }).trust : ((setting ?? []) as TrustList)
  const header: ForwardedHeader = isObject
    ? ((setting as { header?: ForwardedHeader }).header ?? 'x-forwarded-for')
    : 'x-forwarded-for'
  if (typeof list === 'number') {
    return { trusts: (_address, hop) => hop < list, header, trustsAnyone: list > 0 }
  }
  const entries = typeof list === 'string' ? [list] : list
  const ranges: IpRange[] = entries.flatMap((entry) => parseIpRanges(entry.trim()) ?? [])
  return {
    trusts: (address) => ranges.some((range) => rangeContains(range, address)),
    header,
    trustsAnyone: ranges.length > 0,
  }
}

/** Whether a `trustedProxies` entry is valid. */
export function isValidProxyEntry(entry: string): boolean {
  return parseIpRanges(entry.trim()) !== undefined
}

/** The client address as the gateway resolved it. */
export interface ClientAddress {
  /** The client IP, normalised; `undefined` when the runtime gives no socket address. */
  readonly ip: string | undefined
  /** The socket peer's IP, normalised. */
  readonly peerIp: string | undefined
  /** Whether the socket peer is a trusted proxy (so its forwarding headers count). */
  readonly peerTrusted: boolean
}

/** Strips a port and IPv6 brackets from one forwarded address: `[::1]:80` → `::1`, `1.2.3.4:80` → `1.2.3.4`. */
function stripPort(value: string): string {
  if (value.startsWith('[')) {
    const close = value.indexOf(']')
    return close === -1 ? value : value.slice(1, close)
  }
  const colon = value.indexOf(':')
  return colon !== -1 && colon === value.lastIndexOf(':') ? value.slice(0, colon) : value
}

function xForwardedForEntries(value: string): string[] {
  return value.split(',').map((entry) => stripPort(entry.trim()))
}

/** The `for=` values of an RFC 7239 `Forwarded` header, in order; unknown/obfuscated ones kept as written. */
function forwardedForEntries(value: string): string[] {
  const entries: string[] = []
  for (const element of splitOutsideQuotes(value, ',')) {
    for (const pair of splitOutsideQuotes(element, ';')) {
      const equals = pair.indexOf('=')
      if (equals === -1 || pair.slice(0, equals).trim().toLowerCase() !== 'for') continue
      let forValue = pair.slice(equals + 1).trim()
      if (forValue.startsWith('"') && forValue.endsWith('"') && forValue.length >= 2) forValue = forValue.slice(1, -1)
      entries.push(stripPort(forValue))
    }
  }
  return entries
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = []
  let quoted = false
  let start = 0
  for (let i = 0; i < value.length; i++) {
    const char = value[i]
    if (char === '"' && value[i - 1] !== '\\') quoted = !quoted
    else if (char === separator && !quoted) {
      parts.push(value.slice(start, i))
      start = i + 1
    }
  }
  parts.push(value.slice(start))
  return parts
}

/**
 * Resolves the client IP the way proxy-addr does: start at the socket peer and walk the forwarding
 * header from right to left while each hop is a trusted proxy; the first untrusted address is the
 * client. Headers from an untrusted peer are ignored. An unparsable entry ends the walk at the last
 * trusted hop. Addresses come out normalised (IPv4-mapped IPv6 → IPv4).
 */
export function resolveClientAddress(
  peerAddress: string | undefined,
  headers: RequestHeaders,
  trust: ProxyTrust,
): ClientAddress {
  const peerIp = peerAddress === undefined ? undefined : normalizeIpAddress(peerAddress)
  if (peerIp === undefined) return { ip: undefined, peerIp: undefined, peerTrusted: false }
  if (!trust.trustsAnyone) return { ip: peerIp, peerIp, peerTrusted: false }
  const peer = parseIpAddress(peerIp) as IpAddress
  if (!trust.trusts(peer, 0)) return { ip: peerIp, peerIp, peerTrusted: false }
  const headerValue = headers.get(trust.header)
  if (headerValue === null) return { ip: peerIp, peerIp, peerTrusted: true }
  const entries = trust.header === 'forwarded' ? forwardedForEntries(headerValue) : xForwardedForEntries(headerValue)
  let client = peer
  for (let i = entries.length - 1, hop = 1; i >= 0; i--, hop++) {
    const address = parseIpAddress(entries[i] as string)
    if (address === undefined) break
    client = address
    if (!trust.trusts(address, hop)) break
  }
  return { ip: formatIpAddress(client), peerIp, peerTrusted: true }
}
