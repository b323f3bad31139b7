import { describe, expect, it } from 'vitest'
import { accessLogLine } from '../src/stages/telemetry/access-log-line'
import type { AccessLogRecord } from '../src/stages/telemetry/access-log-record'

const base: AccessLogRecord = {
  level: 30,
  time: 1_764_331_200_123,
  pid: 4242,
  hostname: 'api-1',
  reqId: '6f1c0e4e-1b9a-4b1e-9a55-2f0a4e1d2c3b',
  traceId: '0af7651916cd43dd8448eb211c80319c',
  req: {
    method: 'GET',
    path: '/orders/7',
    query: 'page=2&apikey=%5BREDACTED%5D',
    routeTemplate: '/orders/{id}',
    ip: '203.0.113.9',
    headers: { 'user-agent': 'curl/8', authorization: '[REDACTED]' },
  },
  res: { statusCode: 200, bytes: 64 },
  responseTime: 1.234,
  stages: { 'request-target': 0.004, authenticate: 0.021, 'rate-limit': 0.002 },
  answeredBy: 'app',
  consumer: 'acme',
  credential: 'apiKey',
  decision: 'allowed',
  errorCode: undefined,
  wouldDeny: undefined,
  msg: 'request completed',
}

describe('the access log line', () => {
  it('is the text JSON.stringify gives for the record, field for field', () => {
    expect(accessLogLine(base)).toBe(JSON.stringify(base))
  })

  it('writes durations as JSON writes the rounded numbers', () => {
    const durations = [
      0, 0.001, 0.01, 0.1, 0.012, 0.12, 0.123, 1, 1.5, 1.05, 1.005, 12.34, 99.999, 1234.567, 86_400_000.001,
    ]
    for (const ms of durations) {
      const record: AccessLogRecord = { ...base, responseTime: ms, stages: { a: ms, b: ms / 7 } }
      expect(accessLogLine(record)).toBe(
        JSON.stringify({ ...record, stages: { a: ms, b: Math.round((ms / 7) * 1000) / 1000 } }),
      )
    }
  })

  it('leaves out what is undefined, as JSON.stringify does', () => {
    const sparse: AccessLogRecord = {
      ...base,
      pid: undefined,
      hostname: undefined,
      req: {
        method: 'POST',
        path: undefined,
        query: undefined,
        routeTemplate: undefined,
        ip: undefined,
        headers: undefined,
      },
      res: { statusCode: 429, bytes: undefined },
      stages: {},
      consumer: undefined,
      credential: undefined,
      decision: 'denied',
      errorCode: 'limit.rate_exceeded',
      wouldDeny: ['openapi-validation', 'quota'],
      level: 40,
    }
    expect(accessLogLine(sparse)).toBe(JSON.stringify(sparse))
  })

  it('escapes what a client controls: quotes, backslashes, control characters, lone surrogates, line breaks', () => {
    const hostile = 'a"b\\c\nd\re\tf\u0000g\u2028h\ud800i</script>'
    const record: AccessLogRecord = {
      ...base,
      req: { ...base.req, path: hostile, query: hostile, ip: hostile, headers: { 'user-agent': hostile, '0': 'x' } },
      consumer: hostile,
      stages: { [hostile]: 1 },
      responseTime: Number.NaN,
    }
    const line = accessLogLine(record)
    expect(line).toBe(JSON.stringify(record))
    expect(line).not.toContain('\n')
    expect(JSON.parse(line).consumer).toBe(hostile)
  })
})
