import type { GatewayContext } from '../../engine/context'
import type { CompletedResponse } from '../../engine/engine'
import { type Redactor, redacted } from './redaction'

/** pino's numeric levels: info, warn, error. */
const levels = { info: 30, warn: 40, error: 50 } as const

/** What the log line says about the process, like pino's base fields. */
export interface LogBase {
  readonly pid: number | undefined
  readonly hostname: string | undefined
}

/** Which request headers a line includes. */
export interface AccessLogOptions {
  readonly headers: readonly string[]
  readonly redactor: Redactor
  readonly base: LogBase
}

const round = (ms: number) => Math.round(ms * 1000) / 1000

/** The request part of an access log record. */
export interface AccessLogRequest {
  readonly method: string
  readonly path: string | undefined
  readonly query: string | undefined
  readonly routeTemplate: string | undefined
  readonly ip: string | undefined
  readonly headers: Readonly<Record<string, string>> | undefined
}

/** One access log record; fields that are `undefined` are left out of the line. */
export interface AccessLogRecord {
  readonly level: number
  readonly time: number
  readonly pid: number | undefined
  readonly hostname: string | undefined
  readonly reqId: string
  readonly traceId: string
  readonly req: AccessLogRequest
  readonly res: { readonly statusCode: number; readonly bytes: number | undefined }
  readonly responseTime: number
  /** Milliseconds per stage. */
  readonly stages: Readonly<Record<string, number>>
  readonly answeredBy: string
  readonly consumer: string | undefined
  readonly credential: string | undefined
  readonly decision: 'allowed' | 'denied'
  readonly errorCode: string | undefined
  /** The stages that would have refused the request in report mode. */
  readonly wouldDeny: readonly string[] | undefined
  readonly msg: string
}

/**
 * One access log record, shaped as pino writes one (`level`, `time`, `pid`, `hostname`, `msg`) so
 * pino tooling reads it: the request id and trace id, the request (method, canonical path, query
 * with secrets redacted, route template, client IP, chosen headers), the response (status, bytes),
 * the total and per-stage durations, the consumer, who answered, and the decision with its error code.
 */
export function accessLogRecord(
  ctx: GatewayContext,
  response: CompletedResponse,
  durationMs: number,
  options: AccessLogOptions,
): AccessLogRecord {
  const { request, principal, denial } = ctx
  const stages: Record<string, number> = {}
  const wouldDeny: string[] = []
  for (const timing of ctx.timings) {
    stages[timing.stage] = round((stages[timing.stage] ?? 0) + timing.durationMs)
    if (timing.action === 'deny' && !timing.enforced) wouldDeny.push(timing.stage)
  }
  const req: AccessLogRequest = {
    method: request.method,
    path: request.path || undefined,
    query: request.rawQuery === '' ? undefined : options.redactor.query(request.rawQuery),
    routeTemplate: response.routeTemplate ?? ctx.operation?.template,
    ip: request.ip,
    headers: options.headers.length === 0 ? undefined : chosenHeaders(ctx, options),
  }
  const level: number = response.status >= 500 ? levels.error : response.status >= 400 ? levels.warn : levels.info
  return {
    level,
    time: ctx.now(),
    pid: options.base.pid,
    hostname: options.base.hostname,
    reqId: ctx.requestId,
    traceId: ctx.trace.traceId,
    req,
    res: { statusCode: response.status, bytes: response.bytes },
    responseTime: round(durationMs),
    stages,
    answeredBy: ctx.answeredBy,
    consumer: principal?.consumer,
    credential: principal?.credential,
    decision: denial === undefined ? 'allowed' : 'denied',
    errorCode: denial?.code,
    wouldDeny: wouldDeny.length === 0 ? undefined : wouldDeny,
    msg: 'request completed',
  }
}

function chosenHeaders(ctx: GatewayContext, options: AccessLogOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of options.headers) {
    const value = ctx.request.headers.get(name)
    if (value !== null) headers[name] = options.redactor.isSecretHeader(name) ? redacted : value
  }
  return headers
}
