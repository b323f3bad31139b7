import { isObject } from './is-object'
import { durationOf, requestBody, type SkippedRecord, type TrafficRecord, type TrafficRecords } from './traffic-record'

/** Whether parsed JSON is a HAR document: `{ log: { entries: [...] } }`. */
export function isHar(json: unknown): json is { log: { entries: unknown[] } } {
  return isObject(json) && isObject(json.log) && Array.isArray(json.log.entries)
}

function headersOf(list: unknown): Map<string, string> {
  const headers = new Map<string, string>()
  if (!Array.isArray(list)) return headers
  for (const header of list) {
    if (!isObject(header) || typeof header.name !== 'string' || typeof header.value !== 'string') continue
    // HTTP/2 pseudo-headers (`:authority`) are not headers a gateway rule can name.
    if (header.name.startsWith(':')) continue
    const name = header.name.toLowerCase()
    const known = headers.get(name)
    headers.set(name, known === undefined ? header.value : `${known}, ${header.value}`)
  }
  return headers
}

function recordOf(entry: unknown, where: string): TrafficRecord | string {
  if (!isObject(entry) || !isObject(entry.request)) return 'no request'
  const { request, response } = entry
  if (typeof request.method !== 'string' || request.method === '') return 'no request method'
  if (typeof request.url !== 'string' || request.url === '') return 'no request URL'
  const status = isObject(response) ? response.status : undefined
  // Status 0 is how browsers record a request that never got an answer.
  if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) return 'no response status'
  const at = typeof entry.startedDateTime === 'string' ? Date.parse(entry.startedDateTime) : Number.NaN
  if (!Number.isFinite(at)) return 'no valid startedDateTime'
  const headers = headersOf(request.headers)
  const postData = isObject(request.postData) ? request.postData : undefined
  const contentType =
    (typeof postData?.mimeType === 'string' && postData.mimeType !== '' ? postData.mimeType : undefined) ??
    headers.get('content-type')
  const text = postData === undefined ? undefined : typeof postData.text === 'string' ? postData.text : ''
  return {
    where,
    method: request.method.toUpperCase(),
    url: request.url,
    status: status as number,
    durationMs: durationOf(entry.time),
    at,
    headers,
    body: requestBody(text, contentType),
    bodyText: text,
    contentType,
  }
}

/** The requests of a HAR 1.2 document's `log.entries`; entries without a request or response are skipped. */
export function harRecords(har: { log: { entries: unknown[] } }): TrafficRecords {
  const records: TrafficRecord[] = []
  const skipped: SkippedRecord[] = []
  har.log.entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`
    const record = recordOf(entry, where)
    if (typeof record === 'string') skipped.push({ where, reason: record })
    else records.push(record)
  })
  return { format: 'HAR', records, skipped, total: har.log.entries.length }
}
