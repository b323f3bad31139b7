import type { GatewayConfig } from '../../config/schema'
import type { TelemetryConfig } from '../../config/sections/telemetry-schema'
import { nodeBuiltin } from '../../crypto/node-builtin'
import type { Stage } from '../../engine/stage'
import type { Store } from '../../store/store'
import type { BuildContext } from '../build-context'
import { accessLogLine } from './access-log-line'
import { type AccessLogRecord, accessLogRecord, type LogBase } from './access-log-record'
import type { AnalyticsJSON, AnalyticsSnapshot } from './analytics-book'
import type { ExporterStats } from './batch-exporter'
import { buildAnalytics } from './build-analytics'
import { httpExporter } from './http-exporter'
import { type BatchWrite, LineWriter, type LineWriterStats } from './line-writer'
import { type OtlpLogRecord, otlpLogRecord, otlpLogsBody } from './otlp-log-record'
import { otlpMetricExport } from './otlp-metrics'
import { compileRedactor } from './redaction'

/** What the gateway reports about its telemetry. */
export interface TelemetryAdmin {
  /** The access log's counts: lines written, dropped (queue full or destination failing), queued. */
  accessLog(): LineWriterStats | undefined
  /** The traffic analytics (the `top` endpoints and consumers); `undefined` unless `telemetry.analytics` is on. */
  analytics(top?: number): AnalyticsSnapshot | undefined
  /**
   * The fleet's analytics: on a shared store, this instance's merged with every other live instance's
   * latest (published every `syncInterval`); elsewhere the same as {@link TelemetryAdmin.analytics}.
   */
  fleetAnalytics(top?: number): Promise<AnalyticsSnapshot | undefined>
  /** The analytics as JSON, for another instance to merge. */
  exportAnalytics(): AnalyticsJSON | undefined
  /** Adds another instance's exported analytics to these. */
  mergeAnalytics(other: AnalyticsJSON): void
  /** Starts the analytics over. */
  resetAnalytics(): void
  /** The exporters' counts: records exported, dropped, failed, retried, queued. */
  exporters(): {
    readonly otlp?: ExporterStats
    readonly ndjson?: ExporterStats
    /** Metric exports sent and failed (cumulative: a failed one is made good by the next). */
    readonly otlpMetrics?: { readonly sent: number; readonly failed: number }
  }
}

/** What the `telemetry` section builds. */
export interface BuiltTelemetry {
  readonly stages: readonly Stage[]
  readonly admin: TelemetryAdmin
}

interface NodeProcess {
  pid?: number
  stdout?: { write(chunk: string, done: () => void): boolean }
  stderr?: { write(chunk: string, done: () => void): boolean }
}

interface NodeFs {
  existsSync(path: string): boolean
  createWriteStream(
    path: string,
    options: { flags: string },
  ): {
    write(chunk: string, done: (error?: Error | null) => void): boolean
    end(done: () => void): void
    on(event: 'error', listener: (error: Error) => void): void
  }
}

const processObject = (globalThis as { process?: NodeProcess }).process

/** The process facts pino puts on every line, where the runtime has them. */
function logBase(): LogBase {
  const os = nodeBuiltin<{ hostname(): string }>('node:os')
  return { pid: processObject?.pid, hostname: os?.hostname() }
}

type Destination = NonNullable<TelemetryConfig['logs']>

function destinationWriter(
  logs: Destination,
  build: BuildContext,
): { write: BatchWrite; close(): Promise<void> } | undefined {
  const to = typeof logs === 'object' && 'to' in logs ? logs.to : logs
  if (typeof to === 'function') return { write: (_chunk, lines) => lines.forEach(to), close: async () => {} }
  if (to === 'stdout' || to === 'stderr') {
    const stream = processObject?.[to]
    if (stream === undefined) {
      build.problem('telemetry.logs', `has no ${to} on this runtime: give a function`)
      return undefined
    }
    return {
      write: (chunk) => new Promise<void>((resolve) => stream.write(chunk, () => resolve())),
      close: async () => {},
    }
  }
  const fs = nodeBuiltin<NodeFs>('node:fs')
  if (fs === undefined) {
    build.problem('telemetry.logs.file', 'needs a runtime with files: give a function')
    return undefined
  }
  const path =
    build.baseDirectory === undefined || to.file.startsWith('/') ? to.file : `${build.baseDirectory}/${to.file}`
  const folder = path.slice(0, Math.max(1, path.lastIndexOf('/')))
  if (!fs.existsSync(folder)) {
    build.problem('telemetry.logs.file', `is in a folder that does not exist: ${folder}`)
    return undefined
  }
  const file = fs.createWriteStream(path, { flags: 'a' })
  // A file that cannot be opened fails its writes: those lines are counted as dropped.
  file.on('error', () => {})
  return {
    write: (chunk) =>
      new Promise<void>((resolve, reject) => file.write(chunk, (error) => (error ? reject(error) : resolve()))),
    close: () => new Promise<void>((resolve) => file.end(() => resolve())),
  }
}

/**
 * Builds `telemetry`: one record per finished request (built once, redacted) for the access log and
 * the OTLP and NDJSON exporters, each writing through a bounded queue off the request path and flushed
 * when the gateway closes, and the analytics.
 */
export function buildTelemetry(config: GatewayConfig, store: Store, build: BuildContext): BuiltTelemetry {
  const section = config.telemetry
  const analytics = buildAnalytics(section?.analytics, store, build)
  const accessLog = buildAccessLog(section?.logs, build)
  const otlp =
    section?.otlp === undefined
      ? undefined
      : httpExporter<OtlpLogRecord>(section.otlp, otlpLogsUrl(section.otlp.url), 'application/json', (batch) =>
          otlpLogsBody(batch, section.otlp?.serviceName ?? 'portcullis'),
        )
  const ndjson =
    section?.ndjson === undefined
      ? undefined
      : httpExporter<string>(
          section.ndjson,
          section.ndjson.url,
          'application/x-ndjson',
          (batch) => `${batch.join('\n')}\n`,
        )
  const metrics =
    section?.otlp === undefined ? undefined : otlpMetricExport(section.otlp, otlpLogsUrl(section.otlp.url), build)
  const sinks: ((record: AccessLogRecord) => void)[] = []
  if (accessLog !== undefined) sinks.push((record) => accessLog.writer.push(accessLogLine(record)))
  if (otlp !== undefined) sinks.push((record) => otlp.push(otlpLogRecord(record)))
  if (ndjson !== undefined) sinks.push((record) => ndjson.push(accessLogLine(record)))
  const logs = section?.logs
  const detailed = typeof logs === 'object' && 'to' in logs ? logs : undefined
  const options = {
    headers: (detailed?.headers ?? []).map((name) => name.toLowerCase()),
    redactor: compileRedactor(config),
    base: logBase(),
  }
  const records: Stage = {
    name: 'telemetry',
    phase: 'route',
    complete(ctx, response) {
      const durationMs = ctx.durationMs ?? 0
      metrics?.metric.record(
        ctx.request.method,
        response.routeTemplate ?? ctx.operation?.template,
        response.status,
        durationMs,
      )
      if (sinks.length === 0) return
      const record = accessLogRecord(ctx, response, durationMs, options)
      for (const sink of sinks) sink(record)
    },
    async close() {
      await Promise.all([accessLog?.close(), otlp?.shutdown(), ndjson?.shutdown(), metrics?.close()])
    },
  }
  const { clock } = build
  return {
    stages: [
      ...(sinks.length === 0 && metrics === undefined ? [] : [records]),
      ...(analytics === undefined ? [] : [analytics.stage]),
    ],
    admin: {
      accessLog: () => accessLog?.writer.stats,
      analytics: (top) => analytics?.book.snapshot(top),
      fleetAnalytics: async (top) =>
        analytics === undefined
          ? undefined
          : (analytics.fleet === undefined ? analytics.book : await analytics.fleet.merged()).snapshot(top),
      exportAnalytics: () => analytics?.book.toJSON(),
      mergeAnalytics: (other) => analytics?.book.absorb(other),
      resetAnalytics: () => analytics?.book.reset(clock.now()),
      exporters: () => ({
        ...(otlp === undefined ? {} : { otlp: otlp.stats }),
        ...(metrics === undefined ? {} : { otlpMetrics: metrics.stats() }),
        ...(ndjson === undefined ? {} : { ndjson: ndjson.stats }),
      }),
    },
  }
}

/** The OTLP/HTTP logs endpoint of a collector URL: `<url>/v1/logs`, unless the URL names it already. */
function otlpLogsUrl(url: string): string {
  return url.endsWith('/v1/logs') ? url : `${url.replace(/\/$/, '')}/v1/logs`
}

/** The access log of `telemetry.logs`, when it is configured. */
function buildAccessLog(
  logs: TelemetryConfig['logs'],
  build: BuildContext,
): { writer: LineWriter; close(): Promise<void> } | undefined {
  if (logs === undefined) return undefined
  const destination = destinationWriter(logs, build)
  if (destination === undefined) return undefined
  const detailed = typeof logs === 'object' && 'to' in logs ? logs : undefined
  const writer = new LineWriter(destination.write, detailed?.maxQueue ?? 10_000)
  return {
    writer,
    async close() {
      await writer.flush()
      await destination.close()
    },
  }
}
