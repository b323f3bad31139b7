import { propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { adapterFixtures, type EchoBody, rawHttp } from '@portcullis/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { otelStage } from '../src/index'

// Spans and metrics reach the real OpenTelemetry SDK (in-memory exporters), on every adapter.

const spans = new InMemorySpanExporter()
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer('test')
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 })
const meter = new MeterProvider({ readers: [reader] }).getMeter('test')

beforeAll(() => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
})
afterAll(() => {
  propagation.disable()
})
beforeEach(() => spans.reset())

const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
const settle = () => new Promise((resolve) => setTimeout(resolve, 30))

for (const adapter of adapterFixtures) {
  describe(`@portcullis/otel on ${adapter.name}`, () => {
    let app: Awaited<ReturnType<typeof adapter.start>>
    beforeAll(async () => {
      app = await adapter.start({
        rateLimits: [{ name: 'tight', match: 'GET /limited', by: 'ip', limit: 1, window: '1m' }],
        stages: [otelStage({ tracer, meter })],
      })
    })
    afterAll(() => app.close())

    it('makes a SERVER span per request under the incoming trace, with a child span per stage', async () => {
      const response = await rawHttp(app.url, {
        target: '/users/42?x=1',
        headers: { traceparent: incoming, 'user-agent': 't/1' },
      })
      expect(response.status).toBe(200)
      await settle()
      const finished = spans.getFinishedSpans()
      const server = finished.find((span) => span.kind === SpanKind.SERVER)
      expect(server).toBeDefined()
      expect(server?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736')
      expect(server?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7')
      expect(server?.name).toBe(adapter.knowsRouteTemplates ? 'GET /users/:id' : 'GET')
      expect(server?.attributes).toMatchObject({
        'http.request.method': 'GET',
        'url.path': '/users/42',
        'http.response.status_code': 200,
        'client.address': '127.0.0.1',
        'user_agent.original': 't/1',
      })
      const children = finished.filter((span) => span.parentSpanContext?.spanId === server?.spanContext().spanId)
      expect(children.map((span) => span.name)).toEqual([
        'portcullis request-target',
        'portcullis body-framing',
        'portcullis opentelemetry',
        'portcullis rate-limit',
      ])
      for (const child of children) expect(child.spanContext().traceId).toBe(server?.spanContext().traceId)
      // The app behind the gateway continues the trace under the gateway's span.
      const seen = (response.json as EchoBody).headers.traceparent
      expect(seen).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${server?.spanContext().spanId}-01`)
    })

    it('marks a refusal with error.type and the stage that refused, and counts it', async () => {
      await rawHttp(app.url, { target: '/limited' })
      const refused = await rawHttp(app.url, { target: '/limited' })
      expect(refused.status).toBe(429)
      await settle()
      const servers = spans.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER)
      const last = servers.at(-1)
      expect(last?.attributes['error.type']).toBe('limit.rate_exceeded')
      expect(last?.attributes['http.response.status_code']).toBe(429)
      const limit = spans
        .getFinishedSpans()
        .find(
          (span) =>
            span.name === 'portcullis rate-limit' && span.parentSpanContext?.spanId === last?.spanContext().spanId,
        )
      expect(limit?.status.code).toBe(SpanStatusCode.ERROR)
      await reader.forceFlush()
      const names = metricExporter
        .getMetrics()
        .flatMap((m) => m.scopeMetrics.flatMap((s) => s.metrics.map((metric) => metric.descriptor.name)))
      expect(names).toContain('http.server.request.duration')
      expect(names).toContain('portcullis.request.denied')
    })
  })
}
