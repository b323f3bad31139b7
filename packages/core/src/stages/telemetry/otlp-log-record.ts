import type { AccessLogRecord } from './access-log-record'

/** An OTLP `AnyValue` in the JSON encoding. */
type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean }

/** An OTLP key-value attribute. */
export interface OtlpAttribute {
  readonly key: string
  readonly value: AnyValue
}

/** An OTLP log record in the JSON encoding of OTLP/HTTP. */
export interface OtlpLogRecord {
  readonly timeUnixNano: string
  readonly severityNumber: number
  readonly severityText: string
  readonly body: { stringValue: string }
  readonly attributes: readonly OtlpAttribute[]
  readonly traceId?: string
}

const severities: Readonly<Record<number, [number, string]>> = { 30: [9, 'INFO'], 40: [13, 'WARN'], 50: [17, 'ERROR'] }

const anyValue = (value: unknown): AnyValue | undefined => {
  if (typeof value === 'string') return { stringValue: value }
  if (typeof value === 'boolean') return { boolValue: value }
  if (typeof value === 'number' && Number.isInteger(value)) return { intValue: String(value) }
  if (typeof value === 'number' && Number.isFinite(value)) return { doubleValue: value }
  return undefined
}

/**
 * An access log record as an OTLP log record, with HTTP semantic-convention attribute names
 * (`http.request.method`, `url.path`, `http.route`, `http.response.status_code`, `client.address`…) and
 * `portcullis.*` for the gateway's own fields. The record is the access log's: already redacted.
 */
export function otlpLogRecord(record: AccessLogRecord): OtlpLogRecord {
  const { req, res } = record
  const fields: [string, unknown][] = [
    ['http.request.method', req.method],
    ['url.path', req.path],
    ['url.query', req.query],
    ['http.route', req.routeTemplate],
    ['client.address', req.ip],
    ['http.response.status_code', res.statusCode],
    ['http.response.body.size', res.bytes],
    ['portcullis.request_id', record.reqId],
    ['portcullis.duration_ms', record.responseTime],
    ['portcullis.answered_by', record.answeredBy],
    ['portcullis.consumer', record.consumer],
    ['portcullis.credential', record.credential],
    ['portcullis.decision', record.decision],
    ['error.type', record.errorCode],
  ]
  for (const [name, ms] of Object.entries(record.stages)) fields.push([`portcullis.stage.${name}.duration_ms`, ms])
  const attributes: OtlpAttribute[] = []
  for (const [key, raw] of fields) {
    const value = anyValue(raw)
    if (value !== undefined) attributes.push({ key, value })
  }
  const [severityNumber, severityText] = severities[record.level] ?? [9, 'INFO']
  return {
    timeUnixNano: `${Math.round(record.time)}000000`,
    severityNumber,
    severityText,
    body: { stringValue: record.msg },
    attributes,
    traceId: record.traceId,
  }
}

/** The OTLP/HTTP JSON body of a batch of log records. */
export function otlpLogsBody(records: readonly OtlpLogRecord[], serviceName: string): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
        scopeLogs: [{ scope: { name: '@portcullis/core' }, logRecords: records }],
      },
    ],
  })
}
