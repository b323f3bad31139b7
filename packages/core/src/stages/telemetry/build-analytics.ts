import { parseDuration } from '../../config/duration'
import type { TelemetryConfig } from '../../config/sections/telemetry-schema'
import type { Stage } from '../../engine/stage'
import { FleetShare } from '../../store/fleet-share'
import type { Store } from '../../store/store'
import type { BuildContext } from '../build-context'
import { AnalyticsBook, type AnalyticsJSON } from './analytics-book'

/** The analytics of `telemetry.analytics`, and the observer stage that feeds them. */
export interface BuiltAnalytics {
  readonly stage: Stage
  readonly book: AnalyticsBook
  /** On a shared store: the fleet's analytics, this instance's merged with the others' latest. */
  readonly fleet: FleetShare<AnalyticsBook, AnalyticsJSON> | undefined
}

/**
 * Builds analytics when `telemetry.analytics` asks for it: a book bounded by endpoints, consumers and
 * minutes, fed after every response (off the request path).
 */
export function buildAnalytics(
  section: TelemetryConfig['analytics'],
  store: Store,
  build: BuildContext,
): BuiltAnalytics | undefined {
  if (section === undefined || section === false) return undefined
  const options = section === true ? {} : section
  const retainMs = parseDuration(options.retain ?? '6h') as number
  if (retainMs < 60_000) build.problem('telemetry.analytics.retain', 'must be at least a minute')
  const bounds = {
    maxEndpoints: options.maxEndpoints ?? 500,
    maxConsumers: options.maxConsumers ?? 1000,
    minutes: Math.max(1, Math.floor(retainMs / 60_000)),
  }
  const book = new AnalyticsBook(bounds, build.clock.now())
  const syncMs = parseDuration(options.syncInterval ?? '30s') as number
  if (syncMs === 0) build.problem('telemetry.analytics.syncInterval', 'must be longer than 0')
  const fleet =
    store.shared === true && syncMs > 0
      ? new FleetShare<AnalyticsBook, AnalyticsJSON>(
          {
            name: 'analytics',
            state: () => book.toJSON(),
            create: () => new AnalyticsBook(bounds, build.clock.now()),
            merge: (into, state) => into.absorb(state),
          },
          store,
          syncMs,
        )
      : undefined
  if (fleet !== undefined) build.whenValid(() => fleet.start())
  const stage: Stage = {
    name: 'analytics',
    phase: 'route',
    complete(ctx, response) {
      // The admin API (the dashboard polling it) is not the API's traffic.
      if (ctx.answeredBy === 'admin') return
      book.record({
        method: ctx.request.method,
        template: response.routeTemplate ?? ctx.operation?.template,
        consumer: ctx.principal?.consumer,
        status: response.status,
        bytes: response.bytes,
        durationMs: ctx.durationMs ?? 0,
        denial: ctx.denial?.code,
        at: ctx.now(),
      })
    },
    ...(fleet === undefined ? {} : { close: () => fleet.close() }),
  }
  return { stage, book, fleet }
}
