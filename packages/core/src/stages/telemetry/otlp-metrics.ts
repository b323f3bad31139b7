import { parseDuration } from '../../config/duration'
import type { TelemetryConfig } from '../../config/sections/telemetry-schema'
import type { BuildContext } from '../build-context'
import type { OtlpAttribute } from './otlp-log-record'

// The HTTP semantic conventions' advised buckets for http.server.request.duration, in seconds.
const bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
// Series kept apart at most; past it, requests share one overflow series (totals stay exact).
const maxSeries = 500

interface Series {
  readonly attributes: readonly OtlpAttribute[]
  count: number
  sum: number
  min: number
  max: number
  readonly buckets: number[]
}

const text = (key: string, value: string): OtlpAttribute => ({ key, value: { stringValue: value } })

/**
 * `http.server.request.duration` as an OTLP histogram (cumulative, seconds, the conventions'
 * buckets), by method, route template and status; bounded by series.
 */
export class RequestDurationMetric {
  readonly #series = new Map<string, Series>()
  readonly #startNs: string

  constructor(startMs: number) {
    this.#startNs = `${Math.round(startMs)}000000`
  }

  record(method: string, route: string | undefined, status: number, durationMs: number): void {
    let key = `${method} ${route ?? ''} ${status}`
    let attributes: OtlpAttribute[] = [
      text('http.request.method', method),
      { key: 'http.response.status_code', value: { intValue: String(status) } },
      ...(route === undefined ? [] : [text('http.route', route)]),
    ]
    if (!this.#series.has(key) && this.#series.size >= maxSeries) {
      key = 'overflow'
      attributes = [{ key: 'otel.metric.overflow', value: { boolValue: true } }]
    }
    let series = this.#series.get(key)
    if (series === undefined) {
      series = {
        attributes,
        count: 0,
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: 0,
        buckets: bounds.map(() => 0).concat(0),
      }
      this.#series.set(key, series)
    }
    const seconds = Math.max(0, durationMs) / 1000
    series.count++
    series.sum += seconds
    series.min = Math.min(series.min, seconds)
    series.max = Math.max(series.max, seconds)
    const index = bounds.findIndex((bound) => seconds <= bound)
    const bucket = index === -1 ? bounds.length : index
    series.buckets[bucket] = (series.buckets[bucket] ?? 0) + 1
  }

  /** The OTLP/HTTP JSON body of the metric as it stands (`undefined` before any request). */
  body(nowMs: number, serviceName: string): string | undefined {
    if (this.#series.size === 0) return undefined
    const timeUnixNano = `${Math.round(nowMs)}000000`
    const dataPoints = [...this.#series.values()].map((series) => ({
      attributes: series.attributes,
      startTimeUnixNano: this.#startNs,
      timeUnixNano,
      count: String(series.count),
      sum: series.sum,
      min: series.min,
      max: series.max,
      bucketCounts: series.buckets.map(String),
      explicitBounds: bounds,
    }))
    return JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [text('service.name', serviceName)] },
          scopeMetrics: [
            {
              scope: { name: '@portcullis/core' },
              metrics: [
                {
                  name: 'http.server.request.duration',
                  unit: 's',
                  description: 'Duration of HTTP server requests.',
                  // 2: AGGREGATION_TEMPORALITY_CUMULATIVE
                  histogram: { aggregationTemporality: 2, dataPoints },
                },
              ],
            },
          ],
        },
      ],
    })
  }
}

/** The OTLP metric export: the duration histogram, sent every `metricsInterval` and once more on close. */
export function otlpMetricExport(config: NonNullable<TelemetryConfig['otlp']>, logsUrl: string, build: BuildContext) {
  const metric = new RequestDurationMetric(build.clock.now())
  const url = logsUrl.replace(/\/v1\/logs$/, '/v1/metrics')
  const headers = { ...config.headers, 'content-type': 'application/json' }
  const timeoutMs = parseDuration(config.timeout ?? '10s') as number
  const intervalMs = parseDuration(config.metricsInterval ?? '60s') as number
  if (intervalMs === 0) build.problem('telemetry.otlp.metricsInterval', 'must be longer than 0')
  let sent = 0
  let failed = 0
  const send = async (deadlineMs: number) => {
    const body = metric.body(build.clock.now(), config.serviceName ?? 'portcullis')
    if (body === undefined) return
    try {
      const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(deadlineMs) })
      await response.body?.cancel().catch(() => {})
      if (response.ok) sent++
      else failed++
    } catch {
      failed++
    }
  }
  let timer: ReturnType<typeof setInterval> | undefined
  build.whenValid(() => {
    if (intervalMs === 0) return
    timer = setInterval(() => void send(timeoutMs), intervalMs)
    timer.unref?.()
  })
  return {
    metric,
    stats: () => ({ sent, failed }),
    async close() {
      clearInterval(timer)
      await send(Math.min(timeoutMs, parseDuration(config.shutdownTimeout ?? '5s') as number))
    },
  }
}
