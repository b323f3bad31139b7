import { type FlowCount, FlowCounter, type FlowCounterSnapshot } from './flow-counter'
import type {
  FlaggedSession,
  SequenceSnapshot,
  SequenceStats,
  Step,
  StepScore,
  SurpriseMoments,
} from './sequence-types'
import { OTHER, TransitionTable } from './transition-table'

export type * from './sequence-types'
export { OTHER } from './transition-table'

/** Where every session's first transition starts from. */
export const START = '(start)'

/** Bounds and tuning of a {@link SequenceModel}; each has a default. */
export interface SequenceModelOptions {
  /** Endpoints kept per session, and the longest flow counted (default 4). */
  readonly historyLength?: number
  /** A session idle longer than this starts over (default 30 minutes). */
  readonly sessionGapMs?: number
  /** Sessions tracked; the least recently seen is dropped (default 10,000). */
  readonly maxSessions?: number
  /** Distinct endpoints named; later ones count as `(other)` (default 1,000). */
  readonly maxEndpoints?: number
  /** Distinct transition pairs counted; later ones count under `(other)` (default 50,000). */
  readonly maxTransitions?: number
  /** Counters per flow length (default 1,000). */
  readonly maxFlows?: number
  /** Transitions learned before any step is scored (default 1,000). */
  readonly warmUp?: number
  /** Scored steps a session needs before it can be flagged (default 3). */
  readonly minSteps?: number
  /** Recent steps a session's score averages (default 8). */
  readonly window?: number
  /** The threshold is the mean per-step surprise plus this many standard deviations (default 3). */
  readonly sigmas?: number
  /** Additive (Laplace) smoothing of transition counts (default 1). */
  readonly smoothing?: number
  /** Flagged sessions remembered (default 100). */
  readonly maxFlagged?: number
}

interface Session {
  recent: string[]
  lastSeen: number
  surprises: number[]
  flagged: boolean
  worst: Step | undefined
}

// σ from fewer scored steps swings too much to flag anyone on.
const MIN_THRESHOLD_SAMPLES = 100

const DEFAULTS: Required<SequenceModelOptions> = {
  historyLength: 4,
  sessionGapMs: 30 * 60_000,
  maxSessions: 10_000,
  maxEndpoints: 1_000,
  maxTransitions: 50_000,
  maxFlows: 1_000,
  warmUp: 1_000,
  minSteps: 3,
  window: 8,
  sigmas: 3,
  smoothing: 1,
  maxFlagged: 100,
}

/**
 * Sequence analytics for API discovery: learns a first-order Markov model of which endpoint
 * follows which per session, counts the most common flows, and flags sessions whose recent calls
 * are improbable under the model. Every table is bounded, so it is safe on hostile traffic.
 */
export class SequenceModel {
  readonly #o: Required<SequenceModelOptions>
  readonly #sessions = new Map<string, Session>()
  readonly #table: TransitionTable
  readonly #flows = new Map<number, FlowCounter>()
  readonly #flagged = new Map<string, FlaggedSession>()
  #observed = 0
  #moments: SurpriseMoments = { count: 0, mean: 0, m2: 0 }

  constructor(options: SequenceModelOptions = {}) {
    this.#o = { ...DEFAULTS, ...options }
    if (this.#o.historyLength < 2) throw new RangeError('historyLength must be at least 2')
    if (this.#o.maxTransitions < 1) throw new RangeError('maxTransitions must be at least 1')
    if (this.#o.window < this.#o.minSteps) throw new RangeError('window must hold at least minSteps steps')
    for (let length = 2; length <= this.#o.historyLength; length++)
      this.#flows.set(length, new FlowCounter(this.#o.maxFlows))
    this.#table = new TransitionTable(this.#o.maxEndpoints, this.#o.maxTransitions, this.#o.smoothing)
  }

  /** Records that `session` called `endpoint` at `at` (ms), and scores the step. */
  observe(session: string, endpoint: string, at: number): StepScore {
    const state = this.#session(session, at)
    const to = this.#table.name(endpoint)
    const from = state.recent.at(-1) ?? START
    const scored = this.#observed >= this.#o.warmUp
    const surprise = scored ? this.#table.surprise(from, to) : 0
    // A session teaches a move once while it is in its recent history, so a bot repeating itself
    // cannot make its own pattern look normal; a new flow many sessions take is still learned.
    if (!repeats(state.recent, from, to)) this.#table.count(from, to, 1)
    this.#observed++
    state.recent.push(to)
    if (state.recent.length > this.#o.historyLength) state.recent.shift()
    for (const [length, counter] of this.#flows)
      if (state.recent.length >= length) counter.add(state.recent.slice(-length))
    if (scored) this.#score(session, state, { from, to, surprise }, at)
    return { surprise, flagged: state.flagged }
  }

  /** The `n` most common flows of `length` consecutive endpoints, most common first. */
  topFlows(n: number, length = 3): FlowCount[] {
    const counter = this.#flows.get(length)
    if (!counter) throw new RangeError(`length must be between 2 and ${this.#o.historyLength}`)
    return counter.top(n)
  }

  /** The most recently flagged sessions, newest first. */
  flaggedSessions(): FlaggedSession[] {
    return [...this.#flagged.values()].reverse()
  }

  /** The mean surprise above which a session is flagged, once enough steps were scored. */
  threshold(): number | undefined {
    const { count, mean, m2 } = this.#moments
    return count < MIN_THRESHOLD_SAMPLES ? undefined : mean + this.#o.sigmas * Math.sqrt(m2 / count)
  }

  /** Sizes of the bounded tables. */
  stats(): SequenceStats {
    let flowCounters = 0
    for (const counter of this.#flows.values()) flowCounters += counter.size
    const { size: sessions } = this.#sessions
    return {
      sessions,
      endpoints: this.#table.endpoints,
      transitionPairs: this.#table.pairs,
      observed: this.#observed,
      flowCounters,
      threshold: this.threshold(),
    }
  }

  /** The learned counts (not the sessions), as JSON-serialisable data. */
  snapshot(): SequenceSnapshot {
    const flows: Record<string, FlowCounterSnapshot> = {}
    for (const [length, counter] of this.#flows) flows[length] = counter.snapshot()
    return {
      version: 1,
      observed: this.#observed,
      endpoints: this.#table.endpointNames(),
      transitions: this.#table.transitions(),
      surprise: { ...this.#moments },
      flows,
    }
  }

  /** Adds another instance's counts to this one's, within this one's bounds. */
  merge(snapshot: SequenceSnapshot): void {
    if (snapshot.version !== 1) throw new TypeError(`unsupported sequence snapshot version ${String(snapshot.version)}`)
    const rename = (endpoint: string) =>
      endpoint === START || endpoint === OTHER ? endpoint : this.#table.name(endpoint)
    for (const endpoint of snapshot.endpoints) rename(endpoint)
    for (const [from, to, count] of snapshot.transitions) this.#table.count(rename(from), rename(to), count)
    this.#observed += snapshot.observed
    for (const [length, counter] of this.#flows) {
      const other = snapshot.flows[length]
      if (other) counter.merge(other, rename)
    }
    this.#moments = combineMoments(this.#moments, snapshot.surprise)
  }

  #session(key: string, at: number): Session {
    let state = this.#sessions.get(key)
    if (state) this.#sessions.delete(key)
    if (!state || at - state.lastSeen > this.#o.sessionGapMs) {
      state = { recent: [], lastSeen: at, surprises: [], flagged: false, worst: undefined }
    }
    state.lastSeen = Math.max(state.lastSeen, at)
    // Re-inserting keeps the Map in least-recently-seen order, so eviction takes the first key.
    this.#sessions.set(key, state)
    if (this.#sessions.size > this.#o.maxSessions) {
      const oldest = this.#sessions.keys().next()
      if (!oldest.done) this.#sessions.delete(oldest.value)
    }
    return state
  }

  #score(key: string, state: Session, step: Step, at: number): void {
    state.surprises.push(step.surprise)
    if (state.surprises.length > this.#o.window) state.surprises.shift()
    if (!state.worst || step.surprise > state.worst.surprise) state.worst = step
    // Flagged sessions stay out of the threshold, so an abuser cannot raise the bar it is judged by.
    if (!state.flagged) this.#moments = combineMoments(this.#moments, { count: 1, mean: step.surprise, m2: 0 })
    const score = state.surprises.reduce((sum, s) => sum + s, 0) / state.surprises.length
    const threshold = this.threshold()
    if (!state.flagged && threshold !== undefined && state.surprises.length >= this.#o.minSteps && score > threshold) {
      state.flagged = true
    }
    if (!state.flagged || !state.worst) return
    const previous = this.#flagged.get(key)
    this.#flagged.delete(key)
    this.#flagged.set(key, { session: key, score: Math.max(score, previous?.score ?? 0), step: state.worst, at })
    if (this.#flagged.size > this.#o.maxFlagged) {
      const oldest = this.#flagged.keys().next()
      if (!oldest.done) this.#flagged.delete(oldest.value)
    }
  }
}

function repeats(recent: readonly string[], from: string, to: string): boolean {
  for (let i = 1; i < recent.length; i++) if (recent[i - 1] === from && recent[i] === to) return true
  return false
}

/** Chan et al.'s parallel combination of two sets of running moments. */
function combineMoments(a: SurpriseMoments, b: SurpriseMoments): SurpriseMoments {
  const count = a.count + b.count
  if (count === 0) return a
  const delta = b.mean - a.mean
  return {
    count,
    mean: a.mean + (delta * b.count) / count,
    m2: a.m2 + b.m2 + (delta * delta * a.count * b.count) / count,
  }
}
