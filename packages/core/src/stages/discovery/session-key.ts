import type { SessionPartConfig } from '../../config/sections/discovery-schema'
import { nodeBuiltin } from '../../crypto/node-builtin'
import type { GatewayContext } from '../../engine/context'
import { clientIpKey } from '../limits/client-ip-key'

interface NodeCrypto {
  createHash(algorithm: string): { update(data: string): { digest(encoding: 'base64url'): string } }
}
const nodeCrypto = nodeBuiltin<NodeCrypto>('node:crypto')

/** Tells one client from another for discovery: a short hash, never the raw value. */
export type SessionKey = (ctx: GatewayContext) => string | undefined

function partValue(part: SessionPartConfig, ctx: GatewayContext): string | undefined {
  if (part === 'consumer') return ctx.principal === undefined ? undefined : `c:${ctx.principal.consumer}`
  if (part === 'ip') return ctx.request.ip === undefined ? undefined : `i:${clientIpKey(ctx.request.ip, 64)}`
  if ('header' in part) {
    const value = ctx.request.headers.get(part.header)
    return value === null || value === '' ? undefined : `h:${value}`
  }
  const value = ctx.request.cookies[part.cookie]
  return value === undefined || value === '' ? undefined : `k:${value}`
}

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
  return (ctx) => {
    for (const part of parts) {
      const value = partValue(part, ctx)
      if (value !== undefined) return sessionHash(value)
    }
    return undefined
  }
}
