import type { AccessLogRecord, AccessLogRequest } from './access-log-record'

// JSON.stringify on the whole record walked its properties generically and was the largest single
// cost of a logged request; the record's shape is known, so its line is written field by field.

// What JSON escapes in a string: quotes, backslashes, control characters and surrogates (lone ones).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const escaped = /["\\\u0000-\u001f\ud800-\udfff]/
/** A string as JSON writes it; most values need no escaping, and a regular-expression test is cheaper than JSON.stringify. */
const text = (value: string) => (escaped.test(value) ? JSON.stringify(value) : `"${value}"`)
/** A number as JSON writes it (`null` when not finite). */
const number = (value: number) => (Number.isFinite(value) ? String(value) : 'null')

/**
 * A duration in ms, rounded to the microsecond as the record holds it, written from its integer
 * count of thousandths: the same text as the number's (the shortest form of k / 1000 is that
 * decimal), without converting a fraction to text, which cost more than the rest of the line.
 */
function millis(value: number): string {
  const thousandths = Math.round(value * 1000)
  if (!(thousandths >= 0 && thousandths <= Number.MAX_SAFE_INTEGER)) return number(value)
  const fraction = thousandths % 1000
  const whole = (thousandths - fraction) / 1000
  if (fraction === 0) return String(whole)
  const digits = fraction < 10 ? `00${fraction}` : fraction < 100 ? `0${fraction}` : String(fraction)
  return `${whole}.${digits.endsWith('00') ? digits[0] : digits.endsWith('0') ? digits.slice(0, 2) : digits}`
}

/** `,"name":value` for a field that is there; nothing for an `undefined` one, as JSON.stringify leaves it out. */
const optionalText = (name: string, value: string | undefined) =>
  value === undefined ? '' : `,"${name}":${text(value)}`
const optionalNumber = (name: string, value: number | undefined) =>
  value === undefined ? '' : `,"${name}":${number(value)}`

function object<Value>(entries: Readonly<Record<string, Value>>, write: (value: Value) => string): string {
  let body = ''
  for (const name in entries) body += `${body === '' ? '' : ','}${text(name)}:${write(entries[name] as Value)}`
  return `{${body}}`
}

function request(req: AccessLogRequest): string {
  // `method` is always there; the others in the record's order, when present.
  return (
    `{"method":${text(req.method)}${optionalText('path', req.path)}${optionalText('query', req.query)}` +
    `${optionalText('routeTemplate', req.routeTemplate)}${optionalText('ip', req.ip)}` +
    `${req.headers === undefined ? '' : `,"headers":${object(req.headers, text)}`}}`
  )
}

/** The record as one JSON line, the same text `JSON.stringify(record)` gives. */
export function accessLogLine(record: AccessLogRecord): string {
  return (
    `{"level":${number(record.level)},"time":${number(record.time)}${optionalNumber('pid', record.pid)}` +
    `${optionalText('hostname', record.hostname)},"reqId":${text(record.reqId)},"traceId":${text(record.traceId)}` +
    `,"req":${request(record.req)},"res":{"statusCode":${number(record.res.statusCode)}` +
    `${optionalNumber('bytes', record.res.bytes)}},"responseTime":${millis(record.responseTime)}` +
    `,"stages":${object(record.stages, millis)},"answeredBy":${text(record.answeredBy)}` +
    `${optionalText('consumer', record.consumer)}${optionalText('credential', record.credential)}` +
    `,"decision":${text(record.decision)}${optionalText('errorCode', record.errorCode)}` +
    `${record.wouldDeny === undefined ? '' : `,"wouldDeny":[${record.wouldDeny.map(text).join(',')}]`}` +
    `,"msg":${text(record.msg)}}`
  )
}
