// Everything here is a single left-to-right char-code pass (plus fixed-position checks): no
// regular expressions, so a hostile segment costs time linear in its length and nothing more.

/** What one decoded path segment looks like: a fixed word (`literal`) or a kind of per-request value. */
export type SegmentKind = 'literal' | 'integer' | 'uuid' | 'hex' | 'date' | 'email' | 'prefixed-id' | 'token'

/** A classified segment: its kind and, for a value with a file extension (`MM12…ef.json`), that extension. */
export interface SegmentClass {
  readonly kind: SegmentKind
  /** `.json` for `MM0123…abcd.json`; empty when there is none, and always for a literal. */
  readonly suffix: string
}

// One shared result per kind: the common, suffix-free case allocates nothing.
const plain: Record<SegmentKind, SegmentClass> = {
  literal: { kind: 'literal', suffix: '' },
  integer: { kind: 'integer', suffix: '' },
  uuid: { kind: 'uuid', suffix: '' },
  hex: { kind: 'hex', suffix: '' },
  date: { kind: 'date', suffix: '' },
  email: { kind: 'email', suffix: '' },
  'prefixed-id': { kind: 'prefixed-id', suffix: '' },
  token: { kind: 'token', suffix: '' },
}

const isDigit = (c: number) => c >= 48 && c <= 57
const isLower = (c: number) => c >= 97 && c <= 122
const isUpper = (c: number) => c >= 65 && c <= 90
const isHexLower = (c: number) => isDigit(c) || (c >= 97 && c <= 102)
const digitAt = (s: string, i: number) => s.charCodeAt(i) - 48
const number2 = (s: string, i: number) => digitAt(s, i) * 10 + digitAt(s, i + 1)

// Years are bounded so that an 8-digit integer id is rarely taken for a compact date.
function isDay(year: number, month: number, day: number): boolean {
  if (year < 1970 || year > 2099 || month < 1 || month > 12 || day < 1) return false
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

// `20261128`: the caller has checked there are exactly 8 digits.
const isCompactDate = (s: string) => isDay(number2(s, 0) * 100 + number2(s, 2), number2(s, 4), number2(s, 6))

// `2026-11-28`: the caller has checked the length and that 8 of the 10 characters are digits.
const isDashedDate = (s: string) =>
  s.charCodeAt(4) === 45 &&
  s.charCodeAt(7) === 45 &&
  isDay(number2(s, 0) * 100 + number2(s, 2), number2(s, 5), number2(s, 8))

// The caller has checked 36 characters, 32 of them hex: the dashes must sit at 8, 13, 18, 23.
const isUuid = (s: string) =>
  s.charCodeAt(8) === 45 && s.charCodeAt(13) === 45 && s.charCodeAt(18) === 45 && s.charCodeAt(23) === 45

// Twilio SIDs: two capitals (AC, SM, MM, CA…) and 32 lowercase hex digits.
function isTwilioSid(s: string): boolean {
  if (s.length !== 34 || !isUpper(s.charCodeAt(0)) || !isUpper(s.charCodeAt(1))) return false
  for (let i = 2; i < 34; i++) if (!isHexLower(s.charCodeAt(i))) return false
  return true
}

// Stripe style: lowercase words joined by `_`, then `_` and at least 8 letters and digits that are
// not a word (a digit or a capital in them): `cus_9s8d7f6g`, `sk_test_4eC39Hq…`; not `tax_rates`.
function isUnderscorePrefixedId(s: string): boolean {
  const cut = s.lastIndexOf('_')
  if (cut < 1 || cut > 32 || s.length - cut - 1 < 8) return false
  for (let i = 0; i < cut; i++) {
    const c = s.charCodeAt(i)
    if (!(isLower(c) || (c === 95 && i > 0 && s.charCodeAt(i - 1) !== 95))) return false
  }
  let marked = false
  for (let i = cut + 1; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (isDigit(c) || isUpper(c)) marked = true
    else if (!isLower(c)) return false
  }
  return marked
}

function isEmail(s: string): boolean {
  const at = s.indexOf('@')
  const dot = s.lastIndexOf('.')
  return at > 0 && dot > at + 1 && dot < s.length - 2
}

// The kind of a whole string, extension included.
function kindOf(s: string): SegmentKind {
  const n = s.length
  if (n === 0) return 'literal'
  let digits = 0
  let letters = 0
  let hexLetters = 0
  let at = 0
  let other = 0
  let transitions = 0
  let previous = 0
  let beforePrevious = 0
  let capitalPairs = 0
  let lonelyLowers = 0
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    let kind = 0
    if (isDigit(c)) {
      digits++
      kind = 1
    } else if (isLower(c)) {
      letters++
      if (c <= 102) hexLetters++
      kind = 2
    } else if (isUpper(c)) {
      letters++
      if (c <= 70) hexLetters++
      kind = 3
    } else if (c === 64) at++
    // Beyond letters and digits, only what base64(url) and e-mail local parts use: - _ . ~ = +
    else if (c !== 45 && c !== 95 && c !== 46 && c !== 126 && c !== 61 && c !== 43) other++
    if (kind !== 0 && previous !== 0 && previous !== kind) transitions++
    if (kind === 3 && previous === 3) capitalPairs++
    if (previous === 2 && beforePrevious !== 2 && kind !== 2) lonelyLowers++
    if (kind !== 0) {
      beforePrevious = previous
      previous = kind
    }
  }
  if (previous === 2 && beforePrevious !== 2) lonelyLowers++
  if (digits === n) return n === 8 && isCompactDate(s) ? 'date' : 'integer'
  if (other > 0) return 'literal'
  if (at > 0) return at === 1 && isEmail(s) ? 'email' : 'literal'
  if (n === 36 && digits + hexLetters === 32 && isUuid(s)) return 'uuid'
  if (n === 10 && digits === 8 && isDashedDate(s)) return 'date'
  if (isTwilioSid(s) || isUnderscorePrefixedId(s)) return 'prefixed-id'
  if (n >= 16 && digits > 0 && digits + hexLetters === n) return 'hex'
  // Random tokens switch between lowercase, capitals and digits all the time; words and slugs
  // (`how-to-build-an-api-in-2024`) hardly ever do. Without digits, camelCase switches case often
  // too, but never has capitals side by side and single lowercase letters between them both.
  if (n < 20 || letters === 0) return 'literal'
  if (digits > 0 && transitions >= Math.max(4, n / 6)) return 'token'
  if (digits === 0 && capitalPairs >= 2 && lonelyLowers >= 2 && transitions >= n / 4) return 'token'
  return 'literal'
}

// `.json`, `.xml`, `.mp3`: 1–5 letters or digits after the last dot, at least one of them a letter.
function extensionAt(s: string): number {
  const dot = s.lastIndexOf('.')
  if (dot < 1 || s.length - dot < 2 || s.length - dot > 6) return -1
  let letter = false
  for (let i = dot + 1; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (isLower(c) || isUpper(c)) letter = true
    else if (!isDigit(c)) return -1
  }
  return letter ? dot : -1
}

/**
 * Classifies one decoded path segment: `literal`, or the kind of variable it looks like. A variable
 * with a file extension keeps the extension as `suffix` (`SM…ef.json` → prefixed-id, `.json`).
 */
export function classifySegment(segment: string): SegmentClass {
  const dot = segment.indexOf('@') === -1 ? extensionAt(segment) : -1
  if (dot !== -1) {
    const stem = kindOf(segment.slice(0, dot))
    if (stem !== 'literal') return { kind: stem, suffix: segment.slice(dot) }
  }
  return plain[kindOf(segment)]
}

/** Whether a segment is a version marker such as `v1`, `v2.1`, `V3` or `v1beta2`. */
export function isVersionSegment(segment: string): boolean {
  const c0 = segment.charCodeAt(0)
  if ((c0 !== 118 && c0 !== 86) || !isDigit(segment.charCodeAt(1))) return false
  let i = 2
  while (i < segment.length && (isDigit(segment.charCodeAt(i)) || segment.charCodeAt(i) === 46)) i++
  while (i < segment.length && isLower(segment.charCodeAt(i))) i++
  while (i < segment.length && isDigit(segment.charCodeAt(i))) i++
  return i === segment.length && segment.charCodeAt(segment.length - 1) !== 46
}

/**
 * Whether a literal segment reads as a name (`upcoming`, `payment_intents`, `Messages.json`,
 * `v1`, `oauth2`) rather than a value (`h12`, `a1b2c3`): no digits, a version marker, or one
 * trailing digit after three letters. Names are what a template may keep as literals.
 */
export function isNameLike(segment: string): boolean {
  const n = segment.length
  if (n === 0 || n > 64) return false
  let digits = 0
  let letters = 0
  for (let i = 0; i < n; i++) {
    const c = segment.charCodeAt(i)
    // Braces would let a path forge a `{var}` in a template.
    if (c === 123 || c === 125) return false
    if (isDigit(c)) digits++
    else if (isLower(c) || isUpper(c)) letters++
  }
  if (digits === 0) return letters > 0 || n > 1
  if (isVersionSegment(segment)) return true
  return digits === 1 && letters >= 3 && isDigit(segment.charCodeAt(n - 1))
}
