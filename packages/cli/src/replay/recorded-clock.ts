import type { Clock } from '@portcullis/core'

/**
 * The gateway's clock during a replay: the recorded start of the request being replayed. Rate
 * limits, quotas and store expiry then see the recorded pacing, however fast the replay runs.
 */
export class RecordedClock implements Clock {
  /** The recorded time of the request being replayed, in ms since the epoch. */
  at = 0

  now(): number {
    return this.at
  }
}
