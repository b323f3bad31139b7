import type { Engine, GatewayError, Outcome } from '@portcullis/core'
import type { ProgressBar } from '../output/progress-bar'
import type { SkippedRecord, TrafficRecord } from '../traffic/traffic-record'
import type { OfflineUpstreams } from './offline-upstreams'
import type { RecordedClock } from './recorded-clock'
import { replayRequest, replayTarget } from './replay-request'
import { type ReplaySummary, ReplayTally, refusalOf } from './replay-tally'

/** What a replay runs with. */
export interface ReplayOptions {
  /** The clock the engine was built with; set to each request's recorded time. */
  readonly clock: RecordedClock
  /** The upstreams the engine was built with. */
  readonly upstreams: OfflineUpstreams
  /** The endpoint templates discovery learned from the same records. */
  readonly templates: ReadonlyMap<TrafficRecord, string>
  /** Told how many records are done. */
  readonly progress: ProgressBar
}

/** What a replay found, and the records it could not replay. */
export interface ReplayResult {
  readonly summary: ReplaySummary
  readonly skipped: SkippedRecord[]
}

/** A stage's denial, as the `stage.decision` event tells it. */
interface Denial {
  readonly stage: string
  readonly error: GatewayError
  readonly enforced: boolean
}

/** The status the request was answered with: the gateway's when it answered, else the recorded one. */
async function answeredStatus(outcome: Outcome, record: TrafficRecord): Promise<number> {
  if (outcome.kind !== 'respond') return record.status
  // Nobody reads the body: release it (an upstream's would be a stream).
  await outcome.response.body?.cancel()
  return outcome.response.status
}

/**
 * Runs records through an engine one at a time, oldest first, each at its recorded time, as an
 * adapter would: `handle`, then `complete` with the status. The engine's `stage.decision` events
 * tell which stages denied, enforced or in report mode.
 */
export async function replayTraffic(
  engine: Engine,
  records: readonly TrafficRecord[],
  options: ReplayOptions,
): Promise<ReplayResult> {
  const { clock, upstreams, templates, progress } = options
  const tally = new ReplayTally()
  const skipped: SkippedRecord[] = []
  // One request is in the engine at a time, so the events so far are all this request's.
  const denials: Denial[] = []
  const unsubscribe = engine.events.on('stage.decision', ({ action, stage, error, enforced }) => {
    if (action === 'deny' && error !== undefined) denials.push({ stage, error, enforced })
  })
  // Array sort is stable: requests logged in the same millisecond keep the file's order.
  const sorted = [...records].sort((a, b) => a.at - b.at)
  try {
    for (const [index, record] of sorted.entries()) {
      const target = replayTarget(record.url)
      if (target === undefined) skipped.push({ where: record.where, reason: 'not a URL or a path' })
      else {
        denials.length = 0
        clock.at = record.at
        const outcome = await engine.handle(replayRequest(record, target, upstreams.signalFor(record.status)))
        const { ctx } = outcome
        engine.complete(ctx, { status: await answeredStatus(outcome, record) })
        // The enforced denial's event names its stage; the error is the one the gateway answered with.
        const stage = denials.find((denial) => denial.enforced)?.stage ?? 'gateway'
        tally.add({
          method: record.method,
          template:
            ctx.operation?.template ??
            templates.get(record) ??
            (ctx.request.path || target.target.split('?')[0] || '/'),
          consumer: ctx.principal?.consumer ?? 'anonymous',
          blocked: ctx.denial === undefined ? undefined : refusalOf(stage, ctx.denial),
          reported: denials.filter((denial) => !denial.enforced).map((denial) => refusalOf(denial.stage, denial.error)),
          routed: ctx.answeredBy === 'upstream' || ctx.answeredBy === 'cache' || ctx.answeredBy === 'handler',
        })
      }
      progress.update(index + 1)
    }
  } finally {
    unsubscribe()
  }
  return { summary: tally.summary(), skipped }
}
