import type { KeyPartConfig } from '../../config/sections/limits-schema'
import type { GatewayContext } from '../../engine/context'
import { clientIpKey } from './client-ip-key'
import { graphqlOperationName } from './graphql-operation'
import { jsonBodyOf } from './json-body'

/** Reads one key part from a request; `undefined` when the request does not carry it. */
export type PartReader = (ctx: GatewayContext) => string | undefined | Promise<string | undefined>

const jsonPointerTokens = (pointer: string) =>
  pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))

function bodyField(pointer: string): PartReader {
  const tokens = jsonPointerTokens(pointer)
  return async (ctx) => {
    let value = await jsonBodyOf(ctx.request)
    for (const token of tokens) {
      if (typeof value !== 'object' || value === null || !Object.hasOwn(value, token)) return undefined
      value = (value as Record<string, unknown>)[token]
    }
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined
  }
}

/**
 * Compiles how one part of a client's key is read from a request, for rate limits and for
 * discovery's sessions alike: the client IP (IPv6 as its `ipv6Prefix` network), the consumer, a
 * header, cookie or query parameter, a JSON body field, or the GraphQL operation name.
 */
export function partReader(part: KeyPartConfig, ipv6Prefix: number): PartReader {
  if (part === 'ip')
    return (ctx) => (ctx.request.ip === undefined ? undefined : clientIpKey(ctx.request.ip, ipv6Prefix))
  if (part === 'consumer') return (ctx) => ctx.principal?.consumer
  if (part === 'graphql') return (ctx) => graphqlOperationName(ctx.request)
  if ('header' in part) {
    const name = part.header.toLowerCase()
    return (ctx) => ctx.request.headers.get(name) ?? undefined
  }
  if ('cookie' in part) return (ctx) => ctx.request.cookies[part.cookie]
  if ('query' in part) return (ctx) => ctx.request.query.get(part.query) ?? undefined
  return bodyField(part.body)
}
