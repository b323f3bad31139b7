import type { GatewayConfig } from '../../config/schema'
import type { TelemetryConfig } from '../../config/sections/telemetry-schema'
import { nodeBuiltin } from '../../crypto/node-builtin'
import { RequestContext } from '../../engine/context'
import type { Stage } from '../../engine/stage'
import type { BuildContext } from '../build-context'
import { accessLogRecord, type LogBase } from './access-log-record'
import type { AnalyticsJSON, AnalyticsSnapshot } from './analytics-book'
import { buildAnalytics } from './build-analytics'
import { type BatchWrite, LineWriter, type LineWriterStats } from './line-writer'
import { compileRedactor } from './redaction'

/** What the gateway reports about its telemetry. */
export interface TelemetryAdmin {
  /** The access log's counts: lines written, dropped (queue full or destination failing), queued. */
  accessLog(): LineWriterStats | undefined
  /** The traffic analytics (the `top` endpoints and consumers); `undefined` unless `telemetry.analytics` is on. */
  analytics(top?: number): AnalyticsSnapshot | undefined
  /** The analytics as JSON, for another instance to merge. */
  exportAnalytics(): AnalyticsJSON | undefined
  /** Adds another instance's exported analytics to these. */
  mergeAnalytics(other: AnalyticsJSON): void
  /** Starts the analytics over. */
  resetAnalytics(): void
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
 * Builds `telemetry`: the access log (an observer stage writing one line per finished request through a
 * bounded, batched writer, flushed when the gateway closes) and the analytics.
 */
export function buildTelemetry(config: GatewayConfig, build: BuildContext): BuiltTelemetry {
  const analytics = buildAnalytics(config.telemetry?.analytics, build)
  const accessLog = buildAccessLog(config, build)
  const { clock } = build
  return {
    stages: [
      ...(accessLog === undefined ? [] : [accessLog.stage]),
      ...(analytics === undefined ? [] : [analytics.stage]),
    ],
    admin: {
      accessLog: () => accessLog?.writer.stats,
      analytics: (top) => analytics?.book.snapshot(top),
      exportAnalytics: () => analytics?.book.toJSON(),
      mergeAnalytics: (other) => analytics?.book.absorb(other),
      resetAnalytics: () => analytics?.book.reset(clock.now()),
    },
  }
}

/** The access log of `telemetry.logs`, when it is configured. */
function buildAccessLog(config: GatewayConfig, build: BuildContext): { stage: Stage; writer: LineWriter } | undefined {
  const logs = config.telemetry?.logs
  if (logs === undefined) return undefined
  const destination = destinationWriter(logs, build)
  if (destination === undefined) return undefined
  const detailed = typeof logs === 'object' && 'to' in logs ? logs : undefined
  const writer = new LineWriter(destination.write, detailed?.maxQueue ?? 10_000)
  const options = {
    headers: (detailed?.headers ?? []).map((name) => name.toLowerCase()),
    redactor: compileRedactor(config),
    base: logBase(),
  }
  const stage: Stage = {
    name: 'access-log',
    phase: 'route',
    complete(ctx, response) {
      const durationMs = ctx instanceof RequestContext ? performance.now() - ctx.startTime : 0
      writer.push(JSON.stringify(accessLogRecord(ctx, response, durationMs, options)))
    },
    async close() {
      await writer.flush()
      await destination.close()
    },
  }
  return { stage, writer }
}
