import type http from 'node:http'
import { gateway, type NodeGateway } from '@portcullis/node'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { freePort, type Listening, listen, rawHttp, readStream } from '../src/index'

// Exports to a real HTTP receiver on port 0 (an OTLP/HTTP collector speaking JSON, or an NDJSON
// endpoint): what arrives is decoded and checked, and so is what happens when the receiver is down,
// slow, throttling with Retry-After, or refusing.

const apiKey = 'pk_export_secret_4Hq8Zr1m'

interface Received {
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

type Answer = (received: Received, res: http.ServerResponse) => void

const servers: Listening[] = []
const gateways: NodeGateway[] = []
afterEach(async () => {
  for (const gw of gateways.splice(0)) await gw.close()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function receiver(answer: Answer = (_r, res) => res.writeHead(200).end('{}')) {
  const received: Received[] = []
  const server = await listen(async (req, res) => {
    const record = { url: req.url ?? '', headers: req.headers, body: await readStream(req) }
    received.push(record)
    answer(record, res)
  })
  servers.push(server)
  return { url: server.url, received }
}

async function startGateway(telemetry: NonNullable<Parameters<typeof gateway>[0]['telemetry']>) {
  const { hashApiKey } = await import('@portcullis/core')
  const gw = gateway({
    auth: {
      apiKeys: {
        in: [{ header: 'x-api-key' }, { query: 'api_key' }],
        keys: [{ id: 'e', hash: await hashApiKey(apiKey), consumer: 'acme' }],
      },
    },
    telemetry,
  })
  gateways.push(gw)
  const server = await listen(gw.wrap((_req: http.IncomingMessage, res: http.ServerResponse) => res.end('ok')))
  servers.push(server)
  return { gw, url: server.url }
}

const fast = { delay: '20ms', timeout: '500ms' }
/** An OTLP log record as the collector decodes it from JSON. */
interface DecodedLogRecord {
  severityText: string
  body: { stringValue: string }
  traceId?: string
  attributes: { key: string; value: { stringValue?: string; intValue?: string; doubleValue?: number } }[]
}

interface DecodedLogs {
  resourceLogs: { scopeLogs: { logRecords: DecodedLogRecord[] }[] }[]
}

const logRecords = (received: readonly Received[]): DecodedLogRecord[] =>
  received
    .filter((r) => r.url === '/v1/logs')
    .flatMap((r) =>
      (JSON.parse(r.body) as DecodedLogs).resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)),
    )
const attribute = (record: DecodedLogRecord | undefined, key: string) => {
  const value = record?.attributes.find((a) => a.key === key)?.value
  return value?.stringValue ?? (value?.intValue === undefined ? value?.doubleValue : Number(value.intValue))
}

describe('OTLP/HTTP log export', () => {
  it('sends one log record per request to <url>/v1/logs, with the semantic-convention attributes and the headers given', async () => {
    const collector = await receiver()
    const { gw, url } = await startGateway({
      otlp: { url: collector.url, headers: { 'x-collector-key': 'ck-1' }, serviceName: 'hotel', ...fast },
    })
    await rawHttp(url, { target: '/orders/7?page=2', headers: { 'x-api-key': apiKey } })
    await rawHttp(url, { target: '/orders/8' })
    await vi.waitFor(() => expect(logRecords(collector.received)).toHaveLength(2))
    const request = collector.received[0] as Received
    expect(request.url).toBe('/v1/logs')
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.headers['x-collector-key']).toBe('ck-1')
    const body = JSON.parse(request.body)
    expect(body.resourceLogs[0].resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'hotel' } }])
    const [ok, refused] = logRecords(collector.received) as [DecodedLogRecord, DecodedLogRecord]
    expect(ok.severityText).toBe('INFO')
    expect(ok.body).toEqual({ stringValue: 'request completed' })
    expect(attribute(ok, 'http.request.method')).toBe('GET')
    expect(attribute(ok, 'url.path')).toBe('/orders/7')
    expect(attribute(ok, 'http.response.status_code')).toBe(200)
    expect(attribute(ok, 'portcullis.consumer')).toBe('acme')
    expect(ok.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(refused.severityText).toBe('WARN')
    expect(attribute(refused, 'error.type')).toBe('auth.credentials_missing')
    expect(gw.engine.telemetry.exporters().otlp).toMatchObject({ exported: 2, dropped: 0, failed: 0 })
  })

  it('keeps a bounded queue while the collector is down: requests are answered, drops are counted', async () => {
    const { gw, url } = await startGateway({
      otlp: { url: `http://127.0.0.1:${await freePort()}`, maxQueue: 5, maxBatch: 5, maxAttempts: 2, ...fast },
    })
    for (let i = 0; i < 20; i++) {
      const response = await rawHttp(url, { target: `/x/${i}`, headers: { 'x-api-key': apiKey } })
      expect(response.status).toBe(200)
    }
    await vi.waitFor(
      () => {
        const stats = gw.engine.telemetry.exporters().otlp
        expect(stats?.queued).toBe(0)
        expect((stats?.dropped ?? 0) + (stats?.exported ?? 0)).toBe(20)
      },
      { timeout: 5000 },
    )
    expect(gw.engine.telemetry.exporters().otlp?.exported).toBe(0)
    expect(gw.engine.telemetry.exporters().otlp?.retries).toBeGreaterThan(0)
  })

  it('waits as long as a 429’s Retry-After asks, then delivers', async () => {
    let calls = 0
    const times: number[] = []
    const collector = await receiver((_r, res) => {
      times.push(Date.now())
      if (calls++ === 0) res.writeHead(429, { 'retry-after': '1' }).end()
      else res.writeHead(200).end('{}')
    })
    const { gw, url } = await startGateway({ otlp: { url: collector.url, ...fast } })
    await rawHttp(url, { target: '/a', headers: { 'x-api-key': apiKey } })
    await vi.waitFor(() => expect(gw.engine.telemetry.exporters().otlp?.exported).toBe(1), { timeout: 4000 })
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(950)
    expect(gw.engine.telemetry.exporters().otlp).toMatchObject({ retries: 1, dropped: 0 })
  })

  it('does not retry a 400: the batch is counted as failed', async () => {
    const collector = await receiver((_r, res) => res.writeHead(400).end('bad'))
    const { gw, url } = await startGateway({ otlp: { url: collector.url, ...fast } })
    await rawHttp(url, { target: '/a', headers: { 'x-api-key': apiKey } })
    await vi.waitFor(() => expect(gw.engine.telemetry.exporters().otlp?.failed).toBe(1))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(collector.received).toHaveLength(1)
    expect(gw.engine.telemetry.exporters().otlp?.retries).toBe(0)
  })

  it('answers requests while the collector hangs, and gives up on it at the shutdown deadline', async () => {
    const collector = await receiver(() => {})
    const { gw, url } = await startGateway({
      otlp: { url: collector.url, delay: '10ms', timeout: '30s', shutdownTimeout: '300ms' },
    })
    await rawHttp(url, { target: '/a', headers: { 'x-api-key': apiKey } })
    await vi.waitFor(() => expect(collector.received).toHaveLength(1))
    // The export is stuck, yet requests keep being answered.
    const during = await rawHttp(url, { target: '/b', headers: { 'x-api-key': apiKey } })
    expect(during.status).toBe(200)
    const started = Date.now()
    await gateways.pop()?.close()
    expect(Date.now() - started).toBeLessThan(2000)
    expect(gw.engine.telemetry.exporters().otlp).toMatchObject({ exported: 0, dropped: 2, queued: 0 })
  })

  it('flushes what is queued when the gateway closes', async () => {
    const collector = await receiver()
    const { gw, url } = await startGateway({ otlp: { url: collector.url, delay: '1m', timeout: '2s' } })
    for (const target of ['/a', '/b', '/c']) await rawHttp(url, { target, headers: { 'x-api-key': apiKey } })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(collector.received).toHaveLength(0)
    await gateways.pop()?.close()
    expect(logRecords(collector.received)).toHaveLength(3)
    expect(gw.engine.telemetry.exporters().otlp).toMatchObject({ exported: 3, queued: 0 })
  })
})

describe('OTLP/HTTP metric export', () => {
  it('sends http.server.request.duration as a cumulative histogram to <url>/v1/metrics, and once more on close', async () => {
    const collector = await receiver()
    const { gw, url } = await startGateway({
      otlp: { url: collector.url, metricsInterval: '100ms', serviceName: 'hotel', ...fast },
    })
    await rawHttp(url, { target: '/a', headers: { 'x-api-key': apiKey } })
    await rawHttp(url, { target: '/b', headers: { 'x-api-key': apiKey } })
    await rawHttp(url, { target: '/c' })
    const metricBodies = () => collector.received.filter((r) => r.url === '/v1/metrics').map((r) => JSON.parse(r.body))
    await vi.waitFor(() => expect(metricBodies().length).toBeGreaterThan(0), { timeout: 3000 })
    await gateways.pop()?.close()
    const last = metricBodies().at(-1)
    const metric = last.resourceMetrics[0].scopeMetrics[0].metrics[0]
    expect(metric).toMatchObject({ name: 'http.server.request.duration', unit: 's' })
    expect(metric.histogram.aggregationTemporality).toBe(2)
    const byStatus = Object.fromEntries(
      metric.histogram.dataPoints.map(
        (point: { attributes: { key: string; value: { intValue?: string } }[]; count: string }) => [
          point.attributes.find((a) => a.key === 'http.response.status_code')?.value.intValue,
          Number(point.count),
        ],
      ),
    )
    expect(byStatus).toEqual({ '200': 2, '401': 1 })
    expect(gw.engine.telemetry.exporters().otlpMetrics?.sent).toBeGreaterThan(0)
  })
})

describe('NDJSON export', () => {
  it('posts the access log records as NDJSON, retrying a 503', async () => {
    let calls = 0
    const sink = await receiver((_r, res) => res.writeHead(calls++ === 0 ? 503 : 204).end())
    const { gw, url } = await startGateway({
      ndjson: { url: `${sink.url}/ingest`, headers: { authorization: 'Bearer sink-token' }, ...fast },
    })
    await rawHttp(url, { target: '/orders/1', headers: { 'x-api-key': apiKey } })
    await vi.waitFor(() => expect(gw.engine.telemetry.exporters().ndjson?.exported).toBe(1), { timeout: 4000 })
    const delivered = sink.received.at(-1) as Received
    expect(delivered.url).toBe('/ingest')
    expect(delivered.headers['content-type']).toBe('application/x-ndjson')
    expect(delivered.headers.authorization).toBe('Bearer sink-token')
    const line = JSON.parse(delivered.body.trim())
    expect(line).toMatchObject({ req: { path: '/orders/1' }, res: { statusCode: 200 }, consumer: 'acme' })
  })
})

describe('no secret leaves the gateway', () => {
  it('is in no access log line, OTLP record or NDJSON line', async () => {
    const collector = await receiver()
    const sink = await receiver()
    const lines: string[] = []
    const { url } = await startGateway({
      logs: { to: (line: string) => lines.push(line), headers: ['x-api-key', 'authorization', 'cookie'] },
      otlp: { url: collector.url, ...fast },
      ndjson: { url: sink.url, ...fast },
    })
    const token = 'eyJhbGciOiJub25lIn0.ZXhwb3J0LXNlY3JldA.c2ln'
    await rawHttp(url, { target: '/a', headers: { 'x-api-key': apiKey } })
    await rawHttp(url, { target: `/b?api_key=${apiKey}&access_token=${token}` })
    await rawHttp(url, { target: '/c', headers: { authorization: `Bearer ${token}`, cookie: `sid=${token}` } })
    await vi.waitFor(() => {
      expect(logRecords(collector.received)).toHaveLength(3)
      expect(sink.received.flatMap((r) => r.body.trim().split('\n'))).toHaveLength(3)
      expect(lines).toHaveLength(3)
    })
    const everything = [...lines, ...collector.received.map((r) => r.body), ...sink.received.map((r) => r.body)].join(
      '\n',
    )
    expect(everything).not.toContain(apiKey)
    expect(everything).not.toContain(token)
  })
})
