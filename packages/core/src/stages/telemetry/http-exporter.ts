import { parseDuration } from '../../config/duration'
import { BatchExporter, type ExporterStats, exportResultOf } from './batch-exporter'

/** The settings both HTTP exporters share (`telemetry.otlp`, `telemetry.ndjson`). */
export interface HttpExporterConfig {
  readonly url: string
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly timeout?: string | undefined
  readonly maxQueue?: number | undefined
  readonly maxBatch?: number | undefined
  readonly delay?: string | undefined
  readonly maxAttempts?: number | undefined
  readonly shutdownTimeout?: string | undefined
}

/** An exporter that POSTs batches to a URL. */
export interface HttpExporter<T> {
  push(record: T): void
  readonly stats: ExporterStats
  shutdown(): Promise<void>
}

const ms = (text: string | undefined, fallback: string) => parseDuration(text ?? fallback) as number

/**
 * A batching exporter that POSTs each batch as `body(batch)` to `url` with the configured headers,
 * through `fetch` (every runtime): 2xx done, 429/502/503/504 and network errors retried, others failed.
 */
export function httpExporter<T>(
  config: HttpExporterConfig,
  target: string,
  contentType: string,
  body: (batch: readonly T[]) => string,
): HttpExporter<T> {
  const headers = { ...config.headers, 'content-type': contentType }
  const exporter = new BatchExporter<T>(
    async (batch, signal) => {
      try {
        const response = await fetch(target, { method: 'POST', headers, body: body(batch), signal })
        await response.body?.cancel().catch(() => {})
        return exportResultOf(response)
      } catch {
        return { kind: 'retryable' }
      }
    },
    {
      maxQueue: config.maxQueue ?? 2048,
      maxBatch: config.maxBatch ?? 512,
      delayMs: ms(config.delay, '1s'),
      timeoutMs: ms(config.timeout, '10s'),
      maxAttempts: config.maxAttempts ?? 5,
      backoffMs: 500,
    },
  )
  const shutdownMs = ms(config.shutdownTimeout, '5s')
  return {
    push: (record) => void exporter.push(record),
    get stats() {
      return exporter.stats
    },
    shutdown: () => exporter.shutdown(shutdownMs),
  }
}
