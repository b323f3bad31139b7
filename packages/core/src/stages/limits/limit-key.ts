import type { KeyPartConfig } from '../../config/sections/limits-schema'
import { sha256Hex } from '../../crypto/sha256'
import type { GatewayContext } from '../../engine/context'
import type { MaybePromise } from '../../engine/maybe-async'
import { clientIpKey } from './client-ip-key'
import { partReader } from './key-part'

/**
 * Builds the counter key of a request: at once from what the request carries, later when it reads
 * the body (a JSON field, a GraphQL operation) or hashes a long value.
 */
export type LimitKey = (ctx: GatewayContext) => MaybePromise<string>

const partLabel = (part: KeyPartConfig): string =>
  typeof part === 'string' ? part : `${Object.keys(part)[0]}=${Object.values(part)[0]}`

const printable = /^[\x21-\x7e]*$/

/** Long or odd values (a header, a body field) are hashed so keys stay short and printable. */
const needsHash = (value: string) => value.length > 64 || !printable.test(value)

/** Key parts that read the body, so are read asynchronously. */
const readsBody = (part: KeyPartConfig) => part === 'graphql' || (typeof part === 'object' && 'body' in part)

/**
 * Compiles a rule's `by` into a key builder. Each part reads its value from the request; a part the
 * request does not carry (no consumer, no header, an anonymous GraphQL operation) counts by the
 * client IP instead, so leaving a value out never escapes the limit.
 */
export function compileLimitKey(by: KeyPartConfig | readonly KeyPartConfig[], ipv6Prefix: number): LimitKey {
  const parts = (Array.isArray(by) ? by : [by]) as readonly KeyPartConfig[]
  const readers = parts.map((part) => ({ label: partLabel(part), read: partReader(part, ipv6Prefix) }))
  const ipPart = (ctx: GatewayContext) => `ip=${clientIpKey(ctx.request.ip, ipv6Prefix)}`
  const joined = (key: string, part: string) => (key === '' ? part : `${key}&${part}`)
  const fromParts = async (ctx: GatewayContext): Promise<string> => {
    let key = ''
    for (const { label, read } of readers) {
      const pending = read(ctx)
      // Only a body or GraphQL part is asynchronous; awaiting the others would cost a turn each.
      const value = pending instanceof Promise ? await pending : pending
      if (value === undefined || value === '') key = joined(key, ipPart(ctx))
      else key = joined(key, `${label}=${needsHash(value) ? `#${await sha256Hex(value)}` : value}`)
    }
    return key
  }
  if (parts.some(readsBody)) return fromParts
  // Every part is read at once: the key is too, unless a value must be hashed (rare: long or odd).
  return (ctx) => {
    let key = ''
    for (const { label, read } of readers) {
      const value = read(ctx) as string | undefined
      if (value === undefined || value === '') key = joined(key, ipPart(ctx))
      else if (needsHash(value)) return fromParts(ctx)
      else key = joined(key, `${label}=${value}`)
    }
    return key
  }
}
