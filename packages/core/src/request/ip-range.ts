import { type IpAddress, parseIpAddress } from './ip-address'

/** A CIDR range, matched against parsed addresses. */
export interface IpRange {
  readonly version: 4 | 6
  /** The range's first address (IPv4 number, or IPv6 groups). */
  readonly base: IpAddress
  /** The prefix length in bits. */
  readonly prefix: number
}

/** The named ranges, as proxy-addr (and so Express's `trust proxy`) defines them. */
export const namedRanges: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
}

const prefixDigits = /^\d{1,3}$/

function netmaskPrefix(mask: string): number | undefined {
  const address = parseIpAddress(mask)
  if (address === undefined || address.version !== 4) return undefined
  let bits = 0
  let value = address.value
  for (let i = 31; i >= 0; i--) {
    const bit = Math.floor(value / 2 ** i)
    if (bit === 1) {
      if (bits !== 31 - i) return undefined // not a contiguous mask
      bits++
      value -= 2 ** i
    }
  }
  return bits
}

/**
 * Parses one trust entry: a named range, an address, `address/prefix` or `ipv4/netmask`.
 * An IPv4-mapped IPv6 range (`::ffff:10.0.0.0/104`) becomes the IPv4 range it covers.
 * Returns `undefined` when the entry is not valid.
 */
export function parseIpRanges(entry: string): IpRange[] | undefined {
  const named = namedRanges[entry]
  if (named !== undefined) return named.flatMap((range) => parseIpRanges(range) ?? [])
  const slash = entry.indexOf('/')
  const addressText = slash === -1 ? entry : entry.slice(0, slash)
  const address = parseIpAddress(addressText)
  if (address === undefined) return undefined
  const writtenAsIpv6 = addressText.includes(':')
  const maxPrefix = address.version === 4 ? 32 : 128
  let prefix = maxPrefix
  if (slash !== -1) {
    const suffix = entry.slice(slash + 1)
    if (prefixDigits.test(suffix)) {
      prefix = Number(suffix)
      // A mapped IPv6 range counts its prefix over 128 bits; the IPv4 part is the last 32.
      if (writtenAsIpv6 && address.version === 4) prefix -= 96
    } else if (address.version === 4 && !writtenAsIpv6) {
      const fromMask = netmaskPrefix(suffix)
      if (fromMask === undefined) return undefined
      prefix = fromMask
    } else {
      return undefined
    }
  }
  if (prefix < 0 || prefix > maxPrefix) return undefined
  return [{ version: address.version, base: address, prefix }]
}

/** Whether an address lies inside a range. */
export function rangeContains(range: IpRange, address: IpAddress): boolean {
  if (range.version !== address.version) return false
  if (range.base.version === 4 && address.version === 4) {
    if (range.prefix === 0) return true
    const size = 2 ** (32 - range.prefix)
    return Math.floor(range.base.value / size) === Math.floor(address.value / size)
  }
  if (range.base.version !== 6 || address.version !== 6) return false
  let remaining = range.prefix
  for (let i = 0; i < 8 && remaining > 0; i++) {
    const bits = Math.min(16, remaining)
    const shift = 16 - bits
    if ((range.base.groups[i] as number) >> shift !== (address.groups[i] as number) >> shift) return false
    remaining -= bits
  }
  return true
}
