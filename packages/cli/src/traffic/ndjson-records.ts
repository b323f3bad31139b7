import { isObject } from './is-object'
import { durationOf, type SkippedRecord, type TrafficRecord, type TrafficRecords } from './traffic-record'

// The field names common access-log formats use, in order of preference.
const METHOD = ['method', 'request_method', 'verb']
const TARGET = ['path', 'url', 'uri', 'request_uri']
const STATUS = ['status', 'status_code', 'statusCode']
const DURATION = ['duration_ms', 'durationMs', 'latency_ms', 'response_time', 'responseTime']
const TIME = ['time', 'timestamp', '@timestamp', 'ts']
const IP = ['ip', 'remote_addr', 'remoteAddress', 'client_ip']

// Below this an epoch number is taken as seconds: as ms it would be before March 1973.
const EPOCH_SECONDS_BELOW = 1e11

const first = (line: Record<string, unknown>, names: readonly string[]): unknown =>
  names.map((name) => line[name]).find((value) => value !== undefined && value !== null && value !== '')

function timeOf(value: unknown): number {
  const number = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value
  if (typeof number === 'number') return number < EPOCH_SECONDS_BELOW ? number * 1000 : number
  return typeof value === 'string' ? Date.parse(value) : Number.NaN
}

function headersOf(value: unknown): Map<string, string> {
  const headers = new Map<string, string>()
  if (!isObject(value)) return headers
  for (const [name, raw] of Object.entries(value)) {
    const text = Array.isArray(raw) ? raw.filter((v) => typeof v === 'string').join(', ') : raw
    if (typeof text === 'string') headers.set(name.toLowerCase(), text)
  }
  return headers
}

/**
 * The line's fields, with those pino-style lines nest (the gateway's own access log, pino-http:
 * `req: { method, path, query, ip, headers }`, `res: { statusCode }`) lifted beside the others.
 */
function fieldsOf(line: Record<string, unknown>): Record<string, unknown> {
  const fields = { ...(isObject(line.res) ? line.res : {}), ...(isObject(line.req) ? line.req : {}), ...line }
  // The gateway logs the path and its (redacted) query apart.
  const { path, query } = fields
  if (typeof path === 'string' && !path.includes('?') && typeof query === 'string' && query !== '') {
    fields.path = `${path}?${query}`
  }
  return fields
}

function recordOf(logged: Record<string, unknown>, where: string): TrafficRecord | string {
  const line = fieldsOf(logged)
  let method = first(line, METHOD)
  let url = first(line, TARGET)
  // nginx and Apache log the request line whole: "GET /hotels?x=1 HTTP/1.1".
  if ((method === undefined || url === undefined) && typeof line.request === 'string') {
    const [verb, target] = line.request.split(' ')
    method ??= verb
    url ??= target
  }
  if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) return 'no method'
  if (typeof url !== 'string' || url === '') return 'no path, url or uri'
  const status = Number(first(line, STATUS))
  if (!Number.isInteger(status) || status < 100 || status > 599) return 'no status'
  const at = timeOf(first(line, TIME))
  if (!Number.isFinite(at)) return 'no time or timestamp'
  const ip = first(line, IP)
  return {
    where,
    method: method.toUpperCase(),
    url,
    status,
    durationMs: durationOf(first(line, DURATION)),
    at,
    headers: headersOf(line.headers),
    ip: typeof ip === 'string' ? ip : undefined,
  }
}

/** The requests of NDJSON access logs, one JSON object a line; blank lines are ignored, malformed ones skipped. */
export function ndjsonRecords(text: string): TrafficRecords {
  const records: TrafficRecord[] = []
  const skipped: SkippedRecord[] = []
  let total = 0
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return
    total++
    const where = `line ${index + 1}`
    let line: unknown
    try {
      line = JSON.parse(raw)
    } catch {
      skipped.push({ where, reason: 'not JSON' })
      return
    }
    const record = isObject(line) ? recordOf(line, where) : 'not a JSON object'
    if (typeof record === 'string') skipped.push({ where, reason: record })
    else records.push(record)
  })
  return { format: 'NDJSON', records, skipped, total }
}
