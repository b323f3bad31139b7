/**
 * A parsed IP address: IPv4 as one 32-bit number, IPv6 as eight 16-bit groups.
 * IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) parse as the IPv4 address they carry, so one
 * client never counts as two.
 */
export type IpAddress =
  | { readonly version: 4; readonly value: number }
  | { readonly version: 6; readonly groups: readonly number[] }

const plainIpv4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/

/** The dotted quad inside `::ffff:a.b.c.d` (how dual-stack sockets report IPv4 peers), if that is the form. */
function mappedIpv4Text(text: string): string | undefined {
  if (text.length < 14 || text.charCodeAt(0) !== 58 /* : */ || text.slice(0, 7).toLowerCase() !== '::ffff:')
    return undefined
  const rest = text.slice(7)
  return plainIpv4.test(rest) ? rest : undefined
}
const hexGroup = /^[0-9a-fA-F]{1,4}$/

/** Parses a strict dotted quad (no leading zeros, no short forms) into one 32-bit number. */
function parseIpv4(text: string): number | undefined {
  let value = 0
  let octet = -1
  let digits = 0
  let dots = 0
  for (let i = 0; i <= text.length; i++) {
    const code = i === text.length ? 46 /* . */ : text.charCodeAt(i)
    if (code === 46) {
      if (digits === 0 || octet > 255) return undefined
      value = value * 256 + octet
      octet = -1
      digits = 0
      dots++
    } else if (code >= 48 && code <= 57) {
      if (digits === 1 && octet === 0) return undefined // leading zero
      octet = digits === 0 ? code - 48 : octet * 10 + (code - 48)
      if (++digits > 3) return undefined
    } else {
      return undefined
    }
  }
  return dots === 4 ? value : undefined
}

function parseIpv6(text: string): number[] | undefined {
  const zone = text.indexOf('%')
  const address = zone === -1 ? text : text.slice(0, zone)
  const halves = address.split('::')
  if (halves.length > 2) return undefined
  const toGroups = (half: string): number[] | undefined => {
    if (half === '') return []
    const groups: number[] = []
    const parts = half.split(':')
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part)
        if (v4 === undefined) return undefined
        groups.push(Math.floor(v4 / 65536), v4 % 65536)
      } else if (hexGroup.test(part)) {
        groups.push(Number.parseInt(part, 16))
      } else {
        return undefined
      }
    }
    return groups
  }
  const head = toGroups(halves[0] as string)
  if (head === undefined) return undefined
  if (halves.length === 1) return head.length === 8 ? head : undefined
  const tail = toGroups(halves[1] as string)
  if (tail === undefined || head.length + tail.length > 7) return undefined
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
}

const isMappedIpv4 = (groups: readonly number[]): boolean =>
  groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff

/**
 * Parses an IPv4 (dotted quad only, no octal or short forms) or IPv6 address, dropping an IPv6
 * zone index. Returns `undefined` for anything else.
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  const mapped = mappedIpv4Text(text)
  if (mapped !== undefined) {
    const value = parseIpv4(mapped)
    return value === undefined ? undefined : { version: 4, value }
  }
  if (text.includes(':')) {
    const groups = parseIpv6(text)
    if (groups === undefined) return undefined
    if (isMappedIpv4(groups)) return { version: 4, value: (groups[6] as number) * 65536 + (groups[7] as number) }
    return { version: 6, groups }
  }
  const value = parseIpv4(text)
  return value === undefined ? undefined : { version: 4, value }
}

function formatIpv6(groups: readonly number[]): string {
  // RFC 5952: compress the longest run (of two or more) of zero groups, the first one on a tie.
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let end = i
    while (end < 8 && groups[end] === 0) end++
    if (end - i > bestLength) {
      bestStart = i
      bestLength = end - i
    }
    i = end
  }
  const hex = groups.map((group) => group.toString(16))
  if (bestStart === -1) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}

/** The normalised text of an address: dotted quad, or RFC 5952 IPv6 (lowercase, compressed). */
export function formatIpAddress(address: IpAddress): string {
  if (address.version === 6) return formatIpv6(address.groups)
  const v = address.value
  return `${Math.floor(v / 16777216)}.${Math.floor(v / 65536) % 256}.${Math.floor(v / 256) % 256}.${v % 256}`
}

/**
 * Normalises an address text: IPv4-mapped IPv6 becomes IPv4, IPv6 is compressed and lowercased.
 * Returns `undefined` when the text is not an IP address.
 */
export function normalizeIpAddress(text: string): string | undefined {
  // The common cases, a plain or IPv4-mapped dotted quad, need only validation.
  const quad = text.includes(':') ? mappedIpv4Text(text) : text
  if (quad !== undefined) return parseIpv4(quad) === undefined ? undefined : quad
  const address = parseIpAddress(text)
  return address === undefined ? undefined : formatIpAddress(address)
}
