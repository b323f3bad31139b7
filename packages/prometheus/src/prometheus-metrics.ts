import type { Engine, RouteConfig, RouteHandler } from '@portcullis/core'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/** The gateway's Prometheus metrics: a registry of their own, fed by the engine's events. */
export interface PrometheusMetrics {
  /** The registry (nothing else is in it unless you add it). */
  readonly registry: Registry
  /** An in-process handler answering the metrics in the Prometheus text format. */
  readonly handler: RouteHandler
  /** A route serving them, to put in `routes`: `GET <path>` (default `/metrics`). */
  route(path?: string): RouteConfig
  /** Starts counting an engine's requests; returns the function that stops. */
  observe(engine: Engine): () => void
}

const secondsBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * Prometheus metrics for the gateway (prom-client, on a registry of their own): requests by method,
 * route template and status; request durations; refusals by error code; requests store outages let
 * through or refused (by section and policy); and each exporter's queue, drops and failures.
 *
 * @example
 * ```ts
 * const metrics = prometheusMetrics()
 * const gw = gateway({ ...config, routes: [metrics.route('/metrics')] })
 * metrics.observe(gw.engine)
 * ```
 */
export function prometheusMetrics(): PrometheusMetrics {
  const registry = new Registry()
  const labels = ['method', 'route', 'status'] as const
  const requests = new Counter({
    name: 'portcullis_requests_total',
    help: 'Requests the gateway saw finish, by method, route template and status.',
    labelNames: labels,
    registers: [registry],
  })
  const durations = new Histogram({
    name: 'portcullis_request_duration_seconds',
    help: 'Time from receiving a request to its response finishing.',
    labelNames: labels,
    buckets: secondsBuckets,
    registers: [registry],
  })
  const denials = new Counter({
    name: 'portcullis_denied_total',
    help: 'Requests the gateway refused, by error code.',
    labelNames: ['code'],
    registers: [registry],
  })
  const fallbacks = new Counter({
    name: 'portcullis_limit_store_fallbacks_total',
    help: 'Requests a store outage let through (open, local) or refused (closed) without counting them.',
    labelNames: ['section', 'policy'],
    registers: [registry],
  })
  const exporterQueue = new Gauge({
    name: 'portcullis_exporter_queue_records',
    help: 'Records waiting in a telemetry exporter.',
    labelNames: ['exporter'],
    registers: [registry],
  })
  const exporterOutcomes = new Gauge({
    name: 'portcullis_exporter_records',
    help: 'Records a telemetry exporter exported, dropped (queue full or out of attempts) or saw refused, since start.',
    labelNames: ['exporter', 'outcome'],
    registers: [registry],
  })
  const engines = new Set<Engine>()
  const readExporters = () => {
    exporterQueue.reset()
    exporterOutcomes.reset()
    for (const engine of engines) {
      const exporters = engine.telemetry.exporters()
      for (const name of ['otlp', 'ndjson'] as const) {
        const stats = exporters[name]
        if (stats === undefined) continue
        exporterQueue.inc({ exporter: name }, stats.queued)
        for (const outcome of ['exported', 'dropped', 'failed'] as const)
          exporterOutcomes.inc({ exporter: name, outcome }, stats[outcome])
      }
    }
  }

  const handler: RouteHandler = async () => {
    readExporters()
    return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } })
  }

  return {
    registry,
    handler,
    route: (path = '/metrics') => ({ name: 'prometheus-metrics', match: `GET ${path}`, handler }),
    observe(engine) {
      engines.add(engine)
      const offResponded = engine.events.on('request.responded', (event) => {
        const { ctx } = event
        const values = {
          method: ctx.request.method,
          route: event.routeTemplate ?? ctx.operation?.template ?? '',
          status: String(event.status),
        }
        requests.inc(values)
        durations.observe(values, event.durationMs / 1000)
        if (ctx.denial !== undefined) denials.inc({ code: ctx.denial.code })
      })
      const offFallback = engine.events.on('limit.store_fallback', (event) =>
        fallbacks.inc({ section: event.section, policy: event.policy }),
      )
      return () => {
        offResponded()
        offFallback()
        engines.delete(engine)
      }
    },
  }
}
