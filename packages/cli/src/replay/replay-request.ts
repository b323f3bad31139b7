import { type BodySource, bodyTooLarge, type RawRequest, RecordHeaders } from '@portcullis/core'
import type { TrafficRecord } from '../traffic/traffic-record'

/**
 * Where replayed requests come from when the log does not say: HAR records the server's address,
 * never the client's. Behind `trustedProxies: [loopback]` a recorded X-Forwarded-For still counts.
 */
export const defaultClientAddress = '127.0.0.1'

// An absolute URL's scheme and authority, and the target after them, kept as recorded: `new URL`
// would resolve `..` and re-encode, and the gateway must judge the target it would have received.
const absoluteUrl = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^#]*)/i

/** A record's request target (`/path?query`) and the host its URL names, or `undefined` when it has neither form. */
export function replayTarget(url: string): { target: string; host: string | undefined } | undefined {
  if (url.startsWith('/')) return { target: url, host: undefined }
  const match = absoluteUrl.exec(url)
  if (match === null || match[1] === '') return undefined
  const rest = match[2] ?? ''
  return { target: rest.startsWith('/') ? rest : `/${rest}`, host: match[1] }
}

/** The recorded body as bytes, read once within the gateway's limit. */
function recordedBody(bytes: Uint8Array): BodySource {
  return {
    declaredLength: bytes.byteLength,
    present: bytes.byteLength > 0,
    async read(limit) {
      if (bytes.byteLength > limit) throw bodyTooLarge(limit)
      return bytes
    },
    async *stream() {
      yield bytes
    },
  }
}

// Framing headers describe the recorded connection, not the body rebuilt here.
const framing = new Set(['content-length', 'transfer-encoding'])

/**
 * A recorded request as an adapter would hand it to the engine: its method and target, its headers
 * (the length set to the body rebuilt, the content type and host kept), its body exactly as
 * recorded, and the recorded client address (else {@link defaultClientAddress}). `signal` is the
 * request's abort signal, which routes hand on to the upstream.
 */
export function replayRequest(
  record: TrafficRecord,
  target: { target: string; host: string | undefined },
  signal: AbortSignal,
): RawRequest {
  const bytes = new TextEncoder().encode(record.bodyText ?? '')
  const headers: Record<string, string> = {}
  for (const [name, value] of record.headers) if (!framing.has(name)) headers[name] = value
  if (bytes.byteLength > 0) {
    headers['content-length'] = String(bytes.byteLength)
    if (headers['content-type'] === undefined && record.contentType !== undefined) {
      headers['content-type'] = record.contentType
    }
  }
  // HTTP/2 recordings carry the host as `:authority`, which HAR readers leave out.
  if (headers.host === undefined && target.host !== undefined) headers.host = target.host
  return {
    method: record.method,
    target: target.target,
    headers: new RecordHeaders(headers),
    remoteAddress: record.ip ?? defaultClientAddress,
    tls: undefined,
    body: recordedBody(bytes),
    abortSignal: () => signal,
    raw: record,
  }
}
