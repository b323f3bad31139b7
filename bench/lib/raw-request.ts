import { type RawRequest, RecordHeaders } from '@portcullis/node'

/**
 * A request as the Node adapters hand it to the engine (headers over Node's header record, as
 * `node:http` parses them), with its body (if any) already in memory.
 */
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
    headers: new RecordHeaders(lowerCaseNames(headers)),
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

/** Node's header record has lower-case names. */
function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
}
