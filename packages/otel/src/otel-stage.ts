import {
  type Attributes,
  context,
  type Meter,
  metrics,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import type { CompletedResponse, GatewayContext, RequestHeaders, Stage } from '@portcullis/core'

/** Options of {@link otelStage}. */
export interface OtelOptions {
  /** The tracer spans come from. Default: the global tracer provider's `@portcullis/otel` tracer. */
  readonly tracer?: Tracer
  /** The meter metrics come from. Default: the global meter provider's `@portcullis/otel` meter. */
  readonly meter?: Meter
  /** Child spans per stage. Default: true. */
  readonly stageSpans?: boolean
}

const headerGetter: TextMapGetter<RequestHeaders> = {
  keys: (carrier) => [...carrier.entries()].map(([name]) => name),
  get: (carrier, key) => carrier.get(key) ?? undefined,
}

const secondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]

/** The span's name, by the HTTP conventions: `{method} {route}`, or the method alone (never the raw path). */
const spanName = (method: string, route: string | undefined) => (route === undefined ? method : `${method} ${route}`)

/**
 * OpenTelemetry for the gateway, through `@opentelemetry/api` only (your app's SDK exports what it
 * makes): a SERVER span per request, a child span per stage with its real start and duration, the
 * HTTP server metrics, and W3C trace context sent on, so the app or upstream behind the gateway
 * continues the trace under the gateway's span. Add it to `stages`.
 *
 * @example
 * ```ts
 * import { otelStage } from '@portcullis/otel'
 * app.use(gateway({ stages: [otelStage()] }))
 * ```
 */
export function otelStage(options: OtelOptions = {}): Stage {
  const tracer = options.tracer ?? trace.getTracer('@portcullis/otel')
  const meter = options.meter ?? metrics.getMeter('@portcullis/otel')
  const stageSpans = options.stageSpans ?? true
  const duration = meter.createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'Duration of HTTP server requests.',
    advice: { explicitBucketBoundaries: secondsBuckets },
  })
  const denials = meter.createCounter('portcullis.request.denied', {
    description: 'Requests the gateway refused, by error code.',
  })
  const spans = new WeakMap<GatewayContext, Span>()

  const start = (ctx: GatewayContext): Span => {
    const parent = propagation.extract(ROOT_CONTEXT, ctx.request.headers, headerGetter)
    const { request } = ctx
    const attributes: Attributes = {
      'http.request.method': request.method,
      'url.path': request.path,
      'url.scheme': request.tls === undefined ? 'http' : 'https',
      ...(request.ip === undefined ? {} : { 'client.address': request.ip }),
    }
    const userAgent = request.headers.get('user-agent')
    if (userAgent !== null) attributes['user_agent.original'] = userAgent
    const span = tracer.startSpan(
      spanName(request.method, undefined),
      { kind: SpanKind.SERVER, startTime: ctx.receivedAt, attributes },
      parent,
    )
    spans.set(ctx, span)
    return span
  }

  return {
    name: 'opentelemetry',
    phase: 'receive',
    run(ctx) {
      const span = start(ctx)
      // Whoever answers next (the app, an upstream) continues the trace under the gateway's span.
      const carrier: Record<string, string> = {}
      propagation.inject(trace.setSpan(context.active(), span), carrier)
      for (const [name, value] of Object.entries(carrier)) ctx.onward.setHeader(name, value)
      return { action: 'continue' }
    },
    complete(ctx: GatewayContext, response: CompletedResponse) {
      // A request refused before this stage ran (a malformed target) still gets its span.
      const span = spans.get(ctx) ?? start(ctx)
      const route = response.routeTemplate ?? ctx.operation?.template
      const end = ctx.now()
      if (route !== undefined) span.setAttribute('http.route', route)
      span.updateName(spanName(ctx.request.method, route))
      span.setAttribute('http.response.status_code', response.status)
      if (ctx.principal !== undefined) span.setAttribute('portcullis.consumer', ctx.principal.consumer)
      span.setAttribute('portcullis.answered_by', ctx.answeredBy)
      const errorType = ctx.denial?.code ?? (response.status >= 500 ? String(response.status) : undefined)
      if (errorType !== undefined) span.setAttribute('error.type', errorType)
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      if (stageSpans) {
        const parent = trace.setSpan(ROOT_CONTEXT, span)
        for (const timing of ctx.timings) {
          const child = tracer.startSpan(
            `portcullis ${timing.stage}`,
            {
              kind: SpanKind.INTERNAL,
              startTime: ctx.receivedAt + timing.startMs,
              attributes: {
                'portcullis.stage': timing.stage,
                'portcullis.phase': timing.phase,
                'portcullis.decision': timing.action === 'deny' && !timing.enforced ? 'would-deny' : timing.action,
              },
            },
            parent,
          )
          if (timing.action === 'deny' && timing.enforced) child.setStatus({ code: SpanStatusCode.ERROR })
          child.end(ctx.receivedAt + timing.startMs + timing.durationMs)
        }
      }
      span.end(end)
      spans.delete(ctx)
      const metricAttributes: Attributes = {
        'http.request.method': ctx.request.method,
        'http.response.status_code': response.status,
        ...(route === undefined ? {} : { 'http.route': route }),
        ...(errorType === undefined ? {} : { 'error.type': errorType }),
      }
      duration.record((ctx.durationMs ?? Math.max(0, end - ctx.receivedAt)) / 1000, metricAttributes)
      if (ctx.denial !== undefined) denials.add(1, { 'error.type': ctx.denial.code })
    },
  }
}
