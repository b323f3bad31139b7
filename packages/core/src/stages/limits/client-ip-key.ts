import { formatIpAddress, parseIpAddress } from '../../request/ip-address'

/**
 * The key part for a client address: an IPv4 address as it is, an IPv6 address as its network of
 * `ipv6Prefix` bits (`2001:db8:1:2::/64`), since one IPv6 subscriber commonly holds a whole /64
 * and could otherwise rotate through fresh addresses to dodge a limit.
 */
export function clientIpKey(ip: string | undefined, ipv6Prefix: number): string {
  if (ip === undefined) return 'unknown'
  if (!ip.includes(':')) return ip
  const address = parseIpAddress(ip)
  if (address === undefined) return ip
  if (address.version === 4) return formatIpAddress(address)
  const groups = address.groups.map((group, index) => {
    const bitsKept = Math.min(16, Math.max(0, ipv6Prefix - index * 16))
    return bitsKept === 16 ? group : bitsKept === 0 ? 0 : group & ~((1 << (16 - bitsKept)) - 1) & 0xffff
  })
  return `${formatIpAddress({ version: 6, groups })}/${ipv6Prefix}`
}
