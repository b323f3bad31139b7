import type { BodySource, RawRequest } from '../src/index'
import { readLimited } from '../src/index'

/** A raw request as an adapter would build it, for engine tests without a server. */
export function rawRequest(options: {
  method?: string
  target?: string
  headers?: Record<string, string>
  remoteAddress?: string
  body?: string
}): RawRequest {
  const bytes = options.body === undefined ? undefined : new TextEncoder().encode(options.body)
  const body: BodySource = {
    declaredLength: bytes?.byteLength,
    present: bytes !== undefined && bytes.byteLength > 0,
    read: (limit) => readLimited(new Blob(bytes === undefined ? [] : [bytes]).stream(), limit),
    async *stream() {
      if (bytes !== undefined) yield bytes
    },
  }
  return {
    method: options.method ?? 'GET',
    target: options.target ?? '/',
    headers: new Headers(options.headers),
    remoteAddress: options.remoteAddress ?? '127.0.0.1',
    tls: undefined,
    body,
    raw: undefined,
  }
}
