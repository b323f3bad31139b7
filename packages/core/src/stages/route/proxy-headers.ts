import type { GatewayContext } from '../../engine/context'
import type { ResponseHeaderList } from '../../engine/engine'

/** How upstreams learn who the client is. */
export type ForwardedHeaderStyle = 'x-forwarded' | 'forwarded' | 'none'

// RFC 9110 §7.6.1 connection-specific headers, and Host and framing, which the hop to the upstream sets itself.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
])

/** The header names a `Connection` header lists (they are hop-by-hop too). */
function connectionListed(connection: string | null): Set<string> | undefined {
  if (connection === null) return undefined
  return new Set(
    connection
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ''),
  )
}

/** The edits the engine worked out for the request going on (the same the app would get). */
export interface OnwardHeaderEdits {
  readonly stripHeaders: readonly string[]
  readonly setHeaders: ResponseHeaderList
}

/**
 * The request headers sent upstream: the client's, without hop-by-hop headers (those its `Connection`
 * names included, removed before the gateway adds its own, so a client cannot strip them), with the
 * engine's onward edits (spoofed forwarding headers and stripped credentials out, identity headers in)
 * and the forwarding headers for this hop.
 */
export function upstreamRequestHeaders(
  ctx: GatewayContext,
  edits: OnwardHeaderEdits,
  style: ForwardedHeaderStyle,
): Headers {
  const { request } = ctx
  const listed = connectionListed(request.headers.get('connection'))
  const stripped = new Set(edits.stripHeaders)
  const headers = new Headers()
  for (const [name, value] of request.headers.entries()) {
    const lower = name.toLowerCase()
    if (hopByHop.has(lower) || listed?.has(lower) || stripped.has(lower)) continue
    headers.append(lower, value)
  }
  for (const [name, value] of edits.setHeaders) headers.set(name, value)
  addForwarding(headers, ctx, style)
  return headers
}

function addForwarding(headers: Headers, ctx: GatewayContext, style: ForwardedHeaderStyle): void {
  if (style === 'none') return
  const { request } = ctx
  const peer = request.peerIp ?? 'unknown'
  const proto = request.tls === undefined ? 'http' : 'https'
  const host = request.headers.get('host') ?? ''
  // From an untrusted peer the engine removed these already; a trusted proxy's chain is kept.
  if (style === 'x-forwarded') {
    const chain = headers.get('x-forwarded-for')
    headers.set('x-forwarded-for', chain === null ? peer : `${chain}, ${peer}`)
    if (!headers.has('x-forwarded-proto')) headers.set('x-forwarded-proto', proto)
    if (!headers.has('x-forwarded-host') && host !== '') headers.set('x-forwarded-host', host)
    return
  }
  const node = peer.includes(':') ? `"[${peer}]"` : peer
  const element = `for=${node};proto=${proto}${host === '' ? '' : `;host="${host.replace(/["\\]/g, '')}"`}`
  const chain = headers.get('forwarded')
  headers.set('forwarded', chain === null ? element : `${chain}, ${element}`)
}

/** The upstream's response headers without hop-by-hop ones (those its `Connection` names included). */
export function downstreamResponseHeaders(pairs: readonly (readonly [string, string])[]): Headers {
  let listed: Set<string> | undefined
  for (const [name, value] of pairs) if (name.toLowerCase() === 'connection') listed = connectionListed(value)
  const headers = new Headers()
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase()
    if ((hopByHop.has(lower) && lower !== 'content-length') || listed?.has(lower)) continue
    headers.append(lower, value)
  }
  return headers
}
