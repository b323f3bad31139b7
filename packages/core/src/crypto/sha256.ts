import { nodeBuiltin } from './node-builtin'

interface NodeCrypto {
  createHash(algorithm: string): { update(data: string): { digest(encoding: 'hex'): string } }
}

const nodeCrypto = nodeBuiltin<NodeCrypto>('node:crypto')
const encoder = new TextEncoder()

/**
 * The SHA-256 of a UTF-8 string, as lowercase hex. Node's hash is synchronous and about a
 * microsecond; WebCrypto (the fallback elsewhere) is asynchronous.
 */
export async function sha256Hex(text: string): Promise<string> {
  if (nodeCrypto !== undefined) return nodeCrypto.createHash('sha256').update(text).digest('hex')
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
  let hex = ''
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0')
  return hex
}

/** Compares two strings in time that depends only on their length, not on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  let difference = a.length ^ b.length
  const length = Math.max(a.length, b.length)
  for (let i = 0; i < length; i++) difference |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0)
  return difference === 0
}
