import type { FlowCounterSnapshot } from './flow-counter'

/** How one call scored. */
export interface StepScore {
  /** −log₂ of the call's smoothed transition probability, in bits (0 during warm-up). */
  readonly surprise: number
  /** Whether the session is flagged; it stays so until it goes idle and starts over. */
  readonly flagged: boolean
}

/** One transition of a session and its surprise in bits. */
export interface Step {
  readonly from: string
  readonly to: string
  readonly surprise: number
}

/** A session flagged for an improbable sequence. */
export interface FlaggedSession {
  readonly session: string
  /** The highest mean surprise over its recent steps, in bits. */
  readonly score: number
  /** Its most improbable step. */
  readonly step: Step
  /** When it was last seen flagged. */
  readonly at: number
}

/** Mean and spread of the per-step surprise of unflagged sessions (Welford's running moments). */
export interface SurpriseMoments {
  readonly count: number
  readonly mean: number
  readonly m2: number
}

/** The model's counts as JSON-serialisable data, for `SequenceModel.merge` on another instance. */
export interface SequenceSnapshot {
  readonly version: 1
  /** Transitions observed. */
  readonly observed: number
  readonly endpoints: readonly string[]
  readonly transitions: readonly (readonly [from: string, to: string, count: number])[]
  readonly surprise: SurpriseMoments
  /** Flow counters by flow length. */
  readonly flows: Readonly<Record<string, FlowCounterSnapshot>>
}

/** Sizes of the model's bounded tables, and the current threshold. */
export interface SequenceStats {
  readonly sessions: number
  readonly endpoints: number
  readonly transitionPairs: number
  readonly observed: number
  readonly flowCounters: number
  /** Mean surprise (bits) above which a session is flagged; undefined until learned. */
  readonly threshold: number | undefined
}
