import { parseDuration } from '../../config/duration'
import type { TelemetryConfig } from '../../config/sections/telemetry-schema'
import { RequestContext } from '../../engine/context'
import type { Stage } from '../../engine/stage'
import type { BuildContext } from '../build-context'
import { AnalyticsBook } from './analytics-book'

/** The analytics of `telemetry.analytics`, and the observer stage that feeds them. */
export interface BuiltAnalytics {
  readonly stage: Stage
  readonly book: AnalyticsBook
}

/**
 * Builds analytics when `telemetry.analytics` asks for it: a book bounded by endpoints, consumers and
 * minutes, fed after every response (off the request path).
 */
export function buildAnalytics(section: TelemetryConfig['analytics'], build: BuildContext): BuiltAnalytics | undefined {
  if (section === undefined || section === false) return undefined
  const options = section === true ? {} : section
  const retainMs = parseDuration(options.retain ?? '6h') as number
  if (retainMs < 60_000) build.problem('telemetry.analytics.retain', 'must be at least a minute')
  const book = new AnalyticsBook(
    {
      maxEndpoints: options.maxEndpoints ?? 500,
      maxConsumers: options.maxConsumers ?? 1000,
      minutes: Math.max(1, Math.floor(retainMs / 60_000)),
    },
    build.clock.now(),
  )
  const stage: Stage = {
    name: 'analytics',
    phase: 'route',
    complete(ctx, response) {
      book.record({
        method: ctx.request.method,
        template: response.routeTemplate ?? ctx.operation?.template,
        consumer: ctx.principal?.consumer,
        status: response.status,
        bytes: response.bytes,
        durationMs: ctx instanceof RequestContext ? performance.now() - ctx.startTime : 0,
        denial: ctx.denial?.code,
        at: ctx.now(),
      })
    },
  }
  return { stage, book }
}
