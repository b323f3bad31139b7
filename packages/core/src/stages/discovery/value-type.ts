import { readCount } from '../../stats/read-count'
/** A JSON-Schema type name, as inferred from one observed value. */
export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object'

/** The string formats discovery recognises (JSON Schema 2020-12 format names). */
export type StringFormat = 'date' | 'date-time' | 'uuid' | 'email' | 'uri'

/** The type, and for a string its format, of one observed value: never the value itself. */
export interface ValueType {
  readonly type: JsonType
  readonly format?: StringFormat
}

/** The JSON-Schema type names in the order a `type: [...]` list gives them. */
export const JSON_TYPES: readonly JsonType[] = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']

/** The recognised formats, for checking serialised learning. */
export const STRING_FORMATS: readonly StringFormat[] = ['date', 'date-time', 'uuid', 'email', 'uri']

// Format checks look at short values only: an id, a date or an address is never this long, and
// the bound keeps the regular expressions' work per value small.
const MAX_FORMAT_LENGTH = 512

const INTEGER = /^-?(?:0|[1-9]\d*)$/
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[Tt]([01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
// Labels cannot hold a dot, so the domain's matching never backtracks across them (no ReDoS).
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}$/
// Only hierarchical URIs (`scheme://…`) and URNs: a bare `label:value` is far more often not a URI.
const URI = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+|urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+)$/

/** Whether `YYYY-MM-DD` names a day that exists (`2023-02-30` does not). */
function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text)
  if (match === null) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (month < 1 || month > 12 || day < 1) return false
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** The format a string value has, if it is one discovery recognises. */
export function stringFormat(value: string): StringFormat | undefined {
  if (value.length === 0 || value.length > MAX_FORMAT_LENGTH) return undefined
  if (isCalendarDate(value)) return 'date'
  const dateTime = DATE_TIME.exec(value)
  if (dateTime !== null && isCalendarDate(dateTime[1] ?? '')) return 'date-time'
  if (UUID.test(value)) return 'uuid'
  if (EMAIL.test(value)) return 'email'
  if (URI.test(value)) return 'uri'
  return undefined
}

/** A string's type as JSON would have given it: all of a query string's values are strings. */
export function stringValueType(value: string): ValueType {
  if (value === 'true' || value === 'false') return { type: 'boolean' }
  if (value.length <= MAX_FORMAT_LENGTH) {
    // `007` stays a string: a leading zero marks a code (a zip, a PIN), not a quantity. So does an
    // integer past 2^53: a validator coercing it to a number would change it.
    if (INTEGER.test(value)) return { type: Number.isSafeInteger(Number(value)) ? 'integer' : 'string' }
    if (NUMBER.test(value) && Number.isFinite(Number(value))) return { type: 'number' }
  }
  const format = stringFormat(value)
  return format === undefined ? { type: 'string' } : { type: 'string', format }
}

/** A parsed JSON value's type; a string's format is recognised as in a query string. */
export function jsonValueType(value: unknown): ValueType {
  if (value === null) return { type: 'null' }
  switch (typeof value) {
    case 'boolean':
      return { type: 'boolean' }
    case 'number':
      return { type: Number.isInteger(value) ? 'integer' : 'number' }
    case 'bigint':
      return { type: 'integer' }
    case 'string': {
      const format = stringFormat(value)
      return format === undefined ? { type: 'string' } : { type: 'string', format }
    }
    case 'object':
      return { type: Array.isArray(value) ? 'array' : 'object' }
    default:
      // undefined, functions, symbols: not JSON; a body parser never yields them.
      return { type: 'null' }
  }
}

/**
 * Whether an object key or query parameter name looks like data rather than a name: a map keyed
 * by ids or addresses would otherwise keep those ids as "property names".
 */
export function looksLikeValue(name: string): boolean {
  if (name.length === 0 || name.length > 64) return true
  if (stringFormat(name) !== undefined) return true
  // Numbers, phone-like digit runs and long hex tokens (hashes, object ids).
  return NUMBER.test(name) || /^\d[\d\-_.:]*$/.test(name) || /^[0-9a-fA-F]{12,}$/.test(name)
}

/** How often each type was seen at one position, and the format all its strings shared. */
export interface TypeTally {
  readonly types: Map<JsonType, number>
  /** `undefined`: no string yet; `''`: strings without a format, or of different formats. */
  format: StringFormat | '' | undefined
}

/** A {@link TypeTally} as plain JSON. */
export interface TypeTallyJSON {
  readonly types: Partial<Record<JsonType, number>>
  readonly format?: StringFormat | ''
}

/** An empty tally. */
export function newTally(): TypeTally {
  return { types: new Map(), format: undefined }
}

const mergeFormat = (a: TypeTally['format'], b: TypeTally['format']): TypeTally['format'] =>
  a === undefined ? b : b === undefined || a === b ? a : ''

/** Counts one observed value's type into a tally. */
export function tallyType(tally: TypeTally, value: ValueType): void {
  tally.types.set(value.type, (tally.types.get(value.type) ?? 0) + 1)
  if (value.type === 'string') tally.format = mergeFormat(tally.format, value.format ?? '')
}

/** Adds a serialised tally's counts into a tally; throws a `TypeError` on a malformed one. */
export function mergeTally(into: TypeTally, from: TypeTallyJSON): void {
  if (typeof from.types !== 'object' || from.types === null) throw new TypeError('tally types must be an object')
  for (const [type, times] of Object.entries(from.types)) {
    if (!JSON_TYPES.includes(type as JsonType)) throw new TypeError(`unknown type ${JSON.stringify(type)}`)
    into.types.set(type as JsonType, (into.types.get(type as JsonType) ?? 0) + readCount(times))
  }
  const format = from.format
  if (format !== undefined && format !== '' && !STRING_FORMATS.includes(format)) {
    throw new TypeError(`unknown format ${JSON.stringify(format)}`)
  }
  into.format = mergeFormat(into.format, format)
}

/** A tally as plain JSON. */
export function tallyToJSON(tally: TypeTally): TypeTallyJSON {
  const types = Object.fromEntries(
    JSON_TYPES.flatMap((type) => (tally.types.has(type) ? [[type, tally.types.get(type)]] : [])),
  )
  return tally.format === undefined ? { types } : { types, format: tally.format }
}

/**
 * The `type` (one name or a list) and `format` a tally makes. An integer seen where a number was
 * too makes `number`. With `strings`, the values were query strings: if some did not look like
 * a number or boolean, they all were plain strings, whatever the others looked like.
 */
export function tallySchema(tally: TypeTally, strings = false): Record<string, unknown> {
  const seen = JSON_TYPES.filter((type) => (tally.types.get(type) ?? 0) > 0)
  let types = seen.includes('number') ? seen.filter((type) => type !== 'integer') : seen
  if (strings && types.includes('string')) types = ['string']
  if (types.length === 0) return {}
  const schema: Record<string, unknown> = { type: types.length === 1 ? types[0] : types }
  // A query value's format holds only when every value had it.
  const formatHolds = types.includes('string') && (!strings || seen.length === 1)
  if (formatHolds && tally.format !== undefined && tally.format !== '') schema.format = tally.format
  return schema
}
