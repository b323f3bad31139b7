import type { SessionPartConfig } from '../../config/sections/discovery-schema'
import { nodeBuiltin } from '../../crypto/node-builtin'
import type { GatewayContext } from '../../engine/context'
import { partReader } from '../limits/key-part'

interface NodeCrypto {
  createHash(algorithm: string): { update(data: string): { digest(encoding: 'base64url'): string } }
}
const nodeCrypto = nodeBuiltin<NodeCrypto>('node:crypto')

/** Tells one client from another for discovery: a short hash, never the raw value. */
export type SessionKey = (ctx: GatewayContext) => string | undefined

/**
 * A session's key as discovery keeps it: SHA-256 of the tagged value (`h:` a header, `k:` a cookie,
 * `c:` a consumer, `i:` an IP network), base64url, 96 bits. The offline `portcullis` commands hash
 * alike, so live and offline reports name a session the same way. `undefined` without Node's crypto.
 */
export function sessionHash(taggedValue: string): string | undefined {
  return nodeCrypto?.createHash('sha256').update(taggedValue).digest('base64url').slice(0, 16)
}

/**
 * Compiles `discovery.sessionKey`: the first part a request carries identifies its session. The value
 * (an API key, a cookie) is hashed at once (SHA-256, 96 bits kept): discovery keeps only the hash, and
 * every instance of a fleet hashes a session alike, so their statistics merge. Returns `undefined`
 * where Node's crypto is missing (fetch runtimes), since a session would then cost an async digest.
 */
export function compileSessionKey(parts: readonly SessionPartConfig[]): SessionKey {
  // The tag keeps a consumer named like an IP (or a header value) from sharing a session with it.
  const readers = parts.map((part) => ({
    tag: part === 'consumer' ? 'c' : part === 'ip' ? 'i' : 'header' in part ? 'h' : 'k',
    // Every session part is read synchronously (no body, no GraphQL): the casts below hold.
    read: partReader(part, 64) as (ctx: GatewayContext) => string | undefined,
  }))
  return (ctx) => {
    for (const { tag, read } of readers) {
      const value = read(ctx)
      if (value !== undefined && value !== '') return sessionHash(`${tag}:${value}`)
    }
    return undefined
  }
}
