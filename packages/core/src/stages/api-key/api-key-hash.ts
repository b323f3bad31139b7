import { sha256Hex } from '../../crypto/sha256'

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * The stored form of an API key: `sha256:` and the hex SHA-256 of the key. Keys are long random
 * strings, so a plain (unsalted, fast) hash is enough to make a leaked key table useless.
 *
 * @example
 * ```ts
 * await hashApiKey('pk_3kTz…') // 'sha256:9f86d08…'
 * ```
 */
export async function hashApiKey(key: string): Promise<string> {
  return `sha256:${await sha256Hex(key)}`
}

/**
 * A new API key: a prefix (to recognise it in logs and secret scanners) and 32 base62 characters
 * (about 190 bits) from the platform's secure random source. Show it once; store only its hash.
 */
export function generateApiKey(prefix = 'pk'): string {
  // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps every character equally likely.
  let key = ''
  while (key.length < 32) {
    for (const byte of crypto.getRandomValues(new Uint8Array(48))) {
      if (byte < 248 && key.length < 32) key += base62[byte % 62]
    }
  }
  return `${prefix}_${key}`
}
