import type { ErrorCode } from '../errors/codes'

/** A request target split into its canonical path and its raw query. */
export interface CanonicalTarget {
  /** The decoded, dot-free, slash-merged path every stage sees, e.g. `/hotels/café`. */
  readonly path: string
  /** The same path percent-encoded for the wire; what the app or upstream receives. */
  readonly encodedPath: string
  /** The raw query string without the `?`, exactly as received. */
  readonly query: string
}

/** Why a request target was refused: the stable code and a detail that never echoes input. */
export interface TargetRejection {
  readonly code: ErrorCode
  readonly detail: string
}

/** The result of {@link canonicalizeTarget}. */
export type CanonicalizeResult =
  | { readonly ok: true; readonly target: CanonicalTarget }
  | { readonly ok: false; readonly rejection: TargetRejection }

const reject = (code: ErrorCode, detail: string): CanonicalizeResult => ({ ok: false, rejection: { code, detail } })

const hexValue = (code: number): number => {
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 65 && code <= 70) return code - 55
  if (code >= 97 && code <= 102) return code - 87
  return -1
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const doubleEncoded = /%[0-9A-Fa-f]{2}/
// Segment characters sent as they are; everything else is percent-encoded (RFC 3986 pchar
// minus "%", and minus ";" and "," which some servers treat as parameter delimiters).
const plainSegment = /^[A-Za-z0-9\-._~!$&'()*+=:@]*$/

const needsDecoding = /[%\u0080-\uffff]/

/**
 * Percent-decodes one raw path segment. Raw bytes above 0x7F (Node hands the target over as
 * latin1) are taken as UTF-8 too. Returns a rejection when the segment cannot be decoded to one
 * unambiguous string.
 */
function decodeSegment(raw: string): string | TargetRejection {
  if (!needsDecoding.test(raw)) return raw
  const bytes = new Uint8Array(raw.length)
  let length = 0
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i)
    if (code > 0xff) {
      return { code: 'request.path_invalid_encoding', detail: 'The path contains characters that are not encoded.' }
    }
    if (code !== 37) {
      bytes[length++] = code
      continue
    }
    const high = hexValue(raw.charCodeAt(i + 1))
    const low = hexValue(raw.charCodeAt(i + 2))
    if (high < 0 || low < 0) {
      return { code: 'request.path_invalid_encoding', detail: 'A "%" in the path is not followed by two hex digits.' }
    }
    bytes[length++] = high * 16 + low
    i += 2
  }
  let decoded: string
  try {
    decoded = strictUtf8.decode(bytes.subarray(0, length))
  } catch {
    return { code: 'request.path_invalid_encoding', detail: 'The percent-encoded path is not valid UTF-8.' }
  }
  return decoded
}

function checkDecodedSegment(segment: string): TargetRejection | undefined {
  if (segment.includes('/')) {
    return { code: 'request.path_encoded_separator', detail: 'The path contains an encoded "/" (%2F).' }
  }
  if (segment.includes('\\')) {
    return { code: 'request.path_encoded_separator', detail: 'The path contains an encoded "\\" (%5C).' }
  }
  if (segment.includes(';')) {
    return { code: 'request.path_parameter', detail: 'The path contains a ";" path parameter.' }
  }
  for (let i = 0; i < segment.length; i++) {
    const code = segment.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) {
      return { code: 'request.path_control_character', detail: 'The path contains a control character or NUL.' }
    }
  }
  if (doubleEncoded.test(segment)) {
    return { code: 'request.path_double_encoding', detail: 'The path is percent-encoded twice.' }
  }
  return undefined
}

/** Percent-encodes one decoded segment for the wire. */
export function encodeSegment(segment: string): string {
  return plainSegment.test(segment) ? segment : encodeURIComponent(segment).replace(/[!'()*]/g, escapeReserved)
}

const escapeReserved = (char: string): string => `%${char.charCodeAt(0).toString(16).toUpperCase()}`

// A path that is already canonical: non-empty segments of plain characters, none "." or "..".
// Most requests are; they skip the segment-by-segment work.
const alreadyCanonical = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-._~!$&'()*+=:@]+)*\/?$/

/**
 * Turns a request target into the one canonical path every stage sees, or refuses it.
 *
 * It decodes each segment once, resolves `.` and `..` (RFC 3986, so `/a//../b` is `/a/b`, as
 * URL parsers and frameworks read it), then merges repeated slashes. It refuses what cannot be
 * made unambiguous: targets that are not origin-form (`http://host/x`, `*`), a backslash, encoded
 * `/` or `\`, `;` parameters, control characters and NUL, double encoding and malformed or
 * non-UTF-8 percent-encoding.
 *
 * @example
 * ```ts
 * canonicalizeTarget('/a/%2e%2e/b//c?x=1') // { ok: true, target: { path: '/b/c', encodedPath: '/b/c', query: 'x=1' } }
 * canonicalizeTarget('/a/..%2Fb')          // { ok: false, rejection: { code: 'request.path_encoded_separator', … } }
 * ```
 */
export function canonicalizeTarget(target: string): CanonicalizeResult {
  if (target.charCodeAt(0) !== 47 /* / */) {
    return reject('request.target_form', 'The request target must be a path starting with "/".')
  }
  const queryStart = target.indexOf('?')
  const rawPath = queryStart === -1 ? target : target.slice(0, queryStart)
  const query = queryStart === -1 ? '' : target.slice(queryStart + 1)
  if (alreadyCanonical.test(rawPath)) return { ok: true, target: { path: rawPath, encodedPath: rawPath, query } }
  if (rawPath.includes('#')) return reject('request.target_form', 'The request target must not carry a fragment.')
  if (rawPath.includes('\\')) return reject('request.path_backslash', 'The path contains a backslash.')
  if (rawPath.includes(';')) return reject('request.path_parameter', 'The path contains a ";" path parameter.')

  const rawSegments = rawPath.split('/')
  const segments: string[] = []
  // rawSegments[0] is the empty string before the leading "/".
  for (let i = 1; i < rawSegments.length; i++) {
    const decoded = decodeSegment(rawSegments[i] as string)
    if (typeof decoded !== 'string') return { ok: false, rejection: decoded }
    const problem = checkDecodedSegment(decoded)
    if (problem !== undefined) return { ok: false, rejection: problem }
    const isLast = i === rawSegments.length - 1
    if (decoded === '.') {
      if (isLast) segments.push('')
    } else if (decoded === '..') {
      segments.pop()
      if (isLast) segments.push('')
    } else {
      segments.push(decoded)
    }
  }
  // Merge repeated slashes: drop empty segments except a trailing one.
  const merged: string[] = []
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string
    if (segment !== '' || (i === segments.length - 1 && merged.length > 0)) merged.push(segment)
  }
  const path = `/${merged.join('/')}`
  const encodedPath = `/${merged.map(encodeSegment).join('/')}`
  return { ok: true, target: { path, encodedPath, query } }
}
