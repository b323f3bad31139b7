import { type FlowCount, FlowCounter, type FlowCounterSnapshot, FlowKeys } from './flow-counter'
import type { FlaggedSession, SequenceSnapshot, SequenceStats, Step, StepScore } from './sequence-types'
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
  readonly key: string
  /** The last `historyLength` endpoints, oldest first. */
  readonly recent: string[]
  /** `flows[i]` is the flow key of the last `i + 1` endpoints of `recent` (up to the longest flow counted). */
  readonly flows: string[]
  /** How many of the last endpoints of `recent` are the same endpoint. */
  repeated: number
  lastSeen: number
  /** The surprises of the recent scored steps, as a ring: once it is full, the oldest is at `head`. */
  readonly surprises: number[]
  head: number
  flagged: boolean
  worst: Step | undefined
  /** The neighbours in least-recently-seen order. */
  older: Session | undefined
  newer: Session | undefined
}

/** Running moments, updated in place. */
interface Moments {
  count: number
  mean: number
  m2: number
}

// σ from fewer scored steps swings too much to flag anyone on.
const MIN_THRESHOLD_SAMPLES = 100

// Flow keys cached per flow counter slot: room for the flows counted and for those passing through.
const FLOW_KEYS_PER_COUNTER = 4

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
  // The sessions in least-recently-seen order, as a list through the sessions themselves, so seeing
  // a session again moves it to the end without taking it out of the map and putting it back.
  #oldest: Session | undefined
  #newest: Session | undefined
  readonly #table: TransitionTable
  readonly #flows = new Map<number, FlowCounter>()
  // The same counters by flow length minus two, for the hot path.
  readonly #counters: FlowCounter[] = []
  readonly #flowKeys: FlowKeys
  // The most surprises a session keeps: `window` rounded down (NaN never drops any, as `length > NaN` is false).
  readonly #keep: number
  readonly #flagged = new Map<string, FlaggedSession>()
  #observed = 0
  readonly #moments: Moments = { count: 0, mean: 0, m2: 0 }

  constructor(options: SequenceModelOptions = {}) {
    this.#o = { ...DEFAULTS, ...options }
    if (this.#o.historyLength < 2) throw new RangeError('historyLength must be at least 2')
    if (this.#o.maxTransitions < 1) throw new RangeError('maxTransitions must be at least 1')
    if (this.#o.window < this.#o.minSteps) throw new RangeError('window must hold at least minSteps steps')
    for (let length = 2; length <= this.#o.historyLength; length++) {
      const counter = new FlowCounter(this.#o.maxFlows)
      this.#flows.set(length, counter)
      this.#counters.push(counter)
    }
    this.#flowKeys = new FlowKeys(FLOW_KEYS_PER_COUNTER * this.#o.maxFlows * this.#counters.length)
    const { window } = this.#o
    this.#keep = window >= 0 ? Math.floor(window) : window < 0 ? 0 : Number.POSITIVE_INFINITY
    this.#table = new TransitionTable(this.#o.maxEndpoints, this.#o.maxTransitions, this.#o.smoothing)
  }

  /** Records that `session` called `endpoint` at `at` (ms), and scores the step. */
  observe(session: string, endpoint: string, at: number): StepScore {
    const state = this.#session(session, at)
    const to = this.#table.name(endpoint)
    const { recent } = state
    const from = recent[recent.length - 1] ?? START
    const scored = this.#observed >= this.#o.warmUp
    // A session teaches a move once while it is in its recent history, so a bot repeating itself
    // cannot make its own pattern look normal; a new flow many sessions take is still learned.
    const surprise = this.#table.step(from, to, scored, !repeats(recent, from, to))
    this.#observed++
    this.#remember(state, to)
    const counters = this.#counters
    const { flows } = state
    for (let i = 0; i < counters.length && i + 1 < recent.length; i++)
      (counters[i] as FlowCounter).addKey(flows[i + 1] as string)
    if (scored) this.#score(session, state, from, to, surprise, at)
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
    const { count, mean, m2 } = snapshot.surprise
    combineMoments(this.#moments, count, mean, m2)
  }

  #session(key: string, at: number): Session {
    let state = this.#sessions.get(key)
    if (!state) {
      state = {
        key,
        recent: [],
        flows: [],
        repeated: 0,
        lastSeen: at,
        surprises: [],
        head: 0,
        flagged: false,
        worst: undefined,
        older: undefined,
        newer: undefined,
      }
      this.#sessions.set(key, state)
      this.#append(state)
      if (this.#sessions.size > this.#o.maxSessions && this.#oldest) {
        const oldest = this.#oldest
        this.#sessions.delete(oldest.key)
        this.#unlink(oldest)
      }
      return state
    }
    if (at - state.lastSeen > this.#o.sessionGapMs) {
      // It starts over: the same as a new session, reusing the arrays.
      state.recent.length = 0
      state.flows.length = 0
      state.repeated = 0
      state.lastSeen = at
      state.surprises.length = 0
      state.head = 0
      state.flagged = false
      state.worst = undefined
    } else state.lastSeen = Math.max(state.lastSeen, at)
    if (state !== this.#newest) {
      this.#unlink(state)
      this.#append(state)
    }
    return state
  }

  #append(state: Session): void {
    state.older = this.#newest
    state.newer = undefined
    if (this.#newest) this.#newest.newer = state
    else this.#oldest = state
    this.#newest = state
  }

  #unlink(state: Session): void {
    if (state.older) state.older.newer = state.newer
    else this.#oldest = state.newer
    if (state.newer) state.newer.older = state.older
    else this.#newest = state.older
    state.older = undefined
    state.newer = undefined
  }

  /** Appends `to` to the session's history, and brings the keys of its flows up to date. */
  #remember(state: Session, to: string): void {
    const { recent, flows } = state
    // Behind a run of `to`, the flows made only of `to` stay as they are.
    const same = recent[recent.length - 1] === to ? state.repeated : 0
    recent.push(to)
    if (recent.length > this.#o.historyLength) recent.shift()
    const keys = Math.min(recent.length, this.#counters.length + 1)
    // Longest first, so each extends the previous step's key one shorter.
    for (let i = keys - 1; i >= Math.max(1, same); i--) flows[i] = this.#flowKeys.extend(flows[i - 1] as string, to)
    flows[0] = to
    state.repeated = Math.min(same + 1, recent.length)
  }

  #score(key: string, state: Session, from: string, to: string, surprise: number, at: number): void {
    const { surprises } = state
    if (surprises.length < this.#keep) surprises.push(surprise)
    else if (this.#keep > 0) {
      surprises[state.head] = surprise
      state.head = (state.head + 1) % this.#keep
    }
    if (!state.worst || surprise > state.worst.surprise) state.worst = { from, to, surprise }
    // Flagged sessions stay out of the threshold, so an abuser cannot raise the bar it is judged by.
    if (!state.flagged) combineMoments(this.#moments, 1, surprise, 0)
    // Summed oldest first, as steps arrive, so the score is the same to the last bit whatever the ring's head.
    let sum = 0
    for (let i = state.head; i < surprises.length; i++) sum += surprises[i] as number
    for (let i = 0; i < state.head; i++) sum += surprises[i] as number
    const score = sum / surprises.length
    const threshold = this.threshold()
    if (!state.flagged && threshold !== undefined && surprises.length >= this.#o.minSteps && score > threshold) {
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

/**
 * Chan et al.'s parallel combination of two sets of running moments, into `a` (with `b` given as
 * its count, mean and m2, so that adding one step allocates nothing). One step is `(1, x, 0)`:
 * Welford's update, computed with the very same operations as a combination.
 */
function combineMoments(a: Moments, count: number, mean: number, m2: number): void {
  const total = a.count + count
  if (total === 0) return
  const delta = mean - a.mean
  a.mean = a.mean + (delta * count) / total
  a.m2 = a.m2 + m2 + (delta * delta * a.count * count) / total
  a.count = total
}
