import type { RawRequest } from '@portcullis/node'

/** A request as an adapter hands it to the engine, with its body (if any) already in memory. */
export function rawRequest(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string,
): RawRequest {
  const bytes = body === undefined ? new Uint8Array() : new TextEncoder().encode(body)
  return {
    method,
    target,
    headers: new Headers(headers),
    remoteAddress: '127.0.0.1',
    tls: undefined,
    body: {
      declaredLength: bytes.byteLength,
      present: bytes.byteLength > 0,
      read: async () => bytes,
      stream: async function* () {
        yield bytes
      },
    },
    raw: undefined,
  }
}
