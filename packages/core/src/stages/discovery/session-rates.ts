/** Options for {@link SessionRates}. */
export interface SessionRatesOptions {
  /** Window length in ms; windows start at multiples of it (epoch-aligned). Default 600_000 (10 min). */
  readonly windowMs?: number
  /** Endpoints tracked at most; requests to further endpoints are dropped. Default 1_000. */
  readonly maxEndpoints?: number
  /** Sessions tracked per endpoint at most; requests from further sessions are dropped. Default 10_000. */
  readonly maxSessionsPerEndpoint?: number
}

/** One session's counters in a snapshot: its key, its latest window's index and count, and its peak so far. */
export type SessionCounts = readonly [session: string, window: number, count: number, peak: number]

/** The JSON form of a {@link SessionRates}, so a fleet can merge its instances' statistics. */
export interface SessionRatesSnapshot {
  readonly version: 1
  readonly windowMs: number
  readonly dropped: number
  // Pairs rather than an object: endpoint strings such as `__proto__` must not become object keys.
  readonly endpoints: readonly (readonly [endpoint: string, sessions: readonly SessionCounts[]])[]
}

interface Cell {
  window: number
  count: number
  peak: number
}

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`)
  return value
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0

const isSessionCounts = (value: unknown): value is SessionCounts =>
  Array.isArray(value) &&
  value.length === 4 &&
  typeof value[0] === 'string' &&
  Number.isSafeInteger(value[1]) &&
  isCount(value[2]) &&
  isCount(value[3])

/**
 * Each session's peak requests per window, per endpoint: the input of `recommendLimit`.
 *
 * Keeps O(1) per endpoint × session (the latest window's count and the peak so far), never a
 * history, and stops tracking new endpoints or sessions once a cap is reached. Session keys are
 * held in memory and exported by {@link SessionRates.snapshot}, so callers must pass a digest
 * (e.g. a keyed hash of the token), never a raw credential; a short digest also keeps the
 * per-session memory constant.
 */
export class SessionRates {
  /** The window length in ms. */
  readonly windowMs: number
  readonly #maxEndpoints: number
  readonly #maxSessions: number
  readonly #endpoints = new Map<string, Map<string, Cell>>()
  #dropped = 0

  constructor(options: SessionRatesOptions = {}) {
    this.windowMs = positiveInteger('windowMs', options.windowMs ?? 600_000)
    this.#maxEndpoints = positiveInteger('maxEndpoints', options.maxEndpoints ?? 1_000)
    this.#maxSessions = positiveInteger('maxSessionsPerEndpoint', options.maxSessionsPerEndpoint ?? 10_000)
  }

  /** Counts one request of `session` (an already-hashed key) to `endpoint` at epoch ms `at`. */
  record(endpoint: string, session: string, at: number): void {
    if (!Number.isFinite(at)) throw new RangeError(`at must be a finite timestamp, got ${at}`)
    const window = Math.floor(at / this.windowMs)
    const cell = this.#cell(endpoint, session, window)
    if (cell === undefined) {
      this.#dropped++
      return
    }
    if (window > cell.window) {
      cell.window = window
      cell.count = 0
    }
    // A request stamped before the latest window (clock step, out-of-order timestamps) still
    // happened; counting it in the latest window errs toward a higher peak, the safe side for a limit.
    cell.count++
    if (cell.count > cell.peak) cell.peak = cell.count
  }

  /** Every tracked session's peak requests per window on `endpoint`, the current window included. */
  peaks(endpoint: string): number[] {
    const sessions = this.#endpoints.get(endpoint)
    return sessions === undefined ? [] : Array.from(sessions.values(), (cell) => cell.peak)
  }

  /** The tracked endpoints. */
  endpoints(): string[] {
    return [...this.#endpoints.keys()]
  }

  /**
   * Requests not counted because a cap was full; a merge adds the snapshot's own count plus the
   * latest-window count of each session it could not take. Requests, not sessions: counting
   * distinct dropped sessions would need the memory the caps exist to bound.
   */
  dropped(): number {
    return this.#dropped
  }

  /** A JSON-serialisable copy of the statistics. */
  snapshot(): SessionRatesSnapshot {
    return {
      version: 1,
      windowMs: this.windowMs,
      dropped: this.#dropped,
      endpoints: Array.from(this.#endpoints, ([endpoint, sessions]) => [
        endpoint,
        Array.from(sessions, ([session, { window, count, peak }]): SessionCounts => [session, window, count, peak]),
      ]),
    }
  }

  /**
   * Adds another instance's snapshot: the same session in the same window adds its counts; otherwise
   * the later window's count wins; the peak is the largest of both peaks and the merged count.
   * Exact when each earlier window of a session was seen by one instance (sticky sessions); when
   * an earlier window was split across instances, its sum is no longer known and the peak is a
   * lower bound. Merge each instance's snapshot once: merging one twice counts it twice.
   */
  merge(snapshot: SessionRatesSnapshot): void {
    if (snapshot?.version !== 1 || !Array.isArray(snapshot.endpoints) || !isCount(snapshot.dropped)) {
      throw new TypeError('not a SessionRates snapshot (version 1)')
    }
    if (snapshot.windowMs !== this.windowMs) {
      // Peaks over different window lengths are different quantities; summing them would be meaningless.
      throw new RangeError(`snapshot windowMs ${snapshot.windowMs} differs from ${this.windowMs}`)
    }
    this.#dropped += snapshot.dropped
    for (const entry of snapshot.endpoints) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) {
        throw new TypeError('malformed endpoint in SessionRates snapshot')
      }
      for (const counts of entry[1] as unknown[]) {
        if (!isSessionCounts(counts)) throw new TypeError(`malformed session in snapshot endpoint ${entry[0]}`)
        const [session, window, count, peak] = counts
        const cell = this.#cell(entry[0], session, window)
        if (cell === undefined) {
          this.#dropped += count
          continue
        }
        if (window > cell.window) {
          cell.window = window
          cell.count = count
        } else if (window === cell.window) {
          cell.count += count
        }
        cell.peak = Math.max(cell.peak, peak, cell.count)
      }
    }
  }

  /** The session's cell, created in `window` if the caps allow; `undefined` when a cap is full. */
  #cell(endpoint: string, session: string, window: number): Cell | undefined {
    let sessions = this.#endpoints.get(endpoint)
    if (sessions === undefined) {
      if (this.#endpoints.size >= this.#maxEndpoints) return undefined
      sessions = new Map()
      this.#endpoints.set(endpoint, sessions)
    }
    let cell = sessions.get(session)
    if (cell === undefined) {
      if (sessions.size >= this.#maxSessions) return undefined
      cell = { window, count: 0, peak: 0 }
      sessions.set(session, cell)
    }
    return cell
  }
}
