/** The W3C trace context of a request (https://www.w3.org/TR/trace-context/). */
export interface TraceContext {
  /** 32 lowercase hex digits. */
  readonly traceId: string
  /** The caller's span id (16 hex digits), when a valid `traceparent` came in. */
  readonly parentId: string | undefined
  /** The caller's sampled flag; `false` when no `traceparent` came in. */
  readonly sampled: boolean
}

const traceparentPattern = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/
const allZeros = /^0+$/

/**
 * Parses a `traceparent` header; `undefined` when it is absent or malformed (version `ff`,
 * all-zero ids, a version-00 header with trailing data, wrong lengths or uppercase hex).
 */
export function parseTraceparent(header: string | null): TraceContext | undefined {
  if (header === null) return undefined
  const match = traceparentPattern.exec(header.trim())
  if (match === null) return undefined
  const [, version, traceId, parentId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ]
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined
  if (allZeros.test(traceId) || allZeros.test(parentId)) return undefined
  return { traceId, parentId, sampled: (Number.parseInt(flags, 16) & 1) === 1 }
}

// Random bytes fetched 4 KiB at a time: one system call per 256 trace ids, not one per id.
const randomPool = new Uint8Array(4096)
let poolOffset = randomPool.length
const hexBytes = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

/** A fresh trace id: 16 random bytes as hex. */
export function newTraceId(): string {
  if (poolOffset + 16 > randomPool.length) {
    crypto.getRandomValues(randomPool)
    poolOffset = 0
  }
  let hex = ''
  for (let i = poolOffset; i < poolOffset + 16; i++) hex += hexBytes[randomPool[i] as number]
  poolOffset += 16
  return hex
}
