/** Stands for endpoints and transitions beyond the model's bounds. */
export const OTHER = '(other)'

interface Row {
  total: number
  readonly next: Map<string, number>
}

/**
 * A first-order Markov model's counts: how often each named endpoint followed another. At most
 * `maxEndpoints` endpoints are named and `maxTransitions` pairs counted; the rest fold into `(other)`.
 */
export class TransitionTable {
  readonly #maxEndpoints: number
  readonly #maxTransitions: number
  readonly #smoothing: number
  readonly #endpoints = new Set<string>()
  readonly #rows = new Map<string, Row>()
  #pairs = 1

  constructor(maxEndpoints: number, maxTransitions: number, smoothing: number) {
    this.#maxEndpoints = maxEndpoints
    this.#maxTransitions = maxTransitions
    this.#smoothing = smoothing
    // The catch-all pair exists from the start, so folding into it never grows the table past its cap.
    this.#rows.set(OTHER, { total: 0, next: new Map([[OTHER, 0]]) })
  }

  /** Distinct endpoints named. */
  get endpoints(): number {
    return this.#endpoints.size
  }

  /** Distinct transition pairs counted, the catch-all included. */
  get pairs(): number {
    return this.#pairs
  }

  /** The endpoints named, in the order first seen. */
  endpointNames(): string[] {
    return [...this.#endpoints]
  }

  /** The non-zero counts as `[from, to, count]`. */
  transitions(): [string, string, number][] {
    const transitions: [string, string, number][] = []
    for (const [from, row] of this.#rows)
      for (const [to, count] of row.next) if (count > 0) transitions.push([from, to, count])
    return transitions
  }

  /** The name `endpoint` is counted under: itself, or `(other)` once the endpoint cap is reached. */
  name(endpoint: string): string {
    if (this.#endpoints.has(endpoint)) return endpoint
    if (this.#endpoints.size >= this.#maxEndpoints) return OTHER
    this.#endpoints.add(endpoint)
    return endpoint
  }

  /** −log₂ of the smoothed probability that `to` follows `from`, in bits. */
  surprise(from: string, to: string): number {
    const row = this.#rows.get(from)
    // One extra category stands for every endpoint not yet named, `(other)` included.
    const categories = this.#endpoints.size + 1
    const smoothing = this.#smoothing
    return Math.log2(((row?.total ?? 0) + smoothing * categories) / ((row?.next.get(to) ?? 0) + smoothing))
  }

  /**
   * {@link surprise} of `to` following `from` if `score` (else 0), then, if `learn`, {@link count} of
   * one such transition: the same as calling both, with one lookup of the pair in the common case.
   */
  step(from: string, to: string, score: boolean, learn: boolean): number {
    const row = this.#rows.get(from)
    const seen = row?.next.get(to)
    const smoothing = this.#smoothing
    const surprise = score
      ? Math.log2(((row?.total ?? 0) + smoothing * (this.#endpoints.size + 1)) / ((seen ?? 0) + smoothing))
      : 0
    if (!learn) return surprise
    if (row && seen !== undefined) {
      row.next.set(to, seen + 1)
      row.total += 1
    } else this.count(from, to, 1)
    return surprise
  }

  /** Counts `by` transitions from `from` to `to`, folding a new pair into `(other)` past the pair cap. */
  count(from: string, to: string, by: number): void {
    let row = this.#rows.get(from)
    if (!row?.next.has(to) && this.#pairs >= this.#maxTransitions) {
      if (row?.next.has(OTHER)) to = OTHER
      else [from, to, row] = [OTHER, OTHER, this.#rows.get(OTHER)]
    }
    if (!row) {
      row = { total: 0, next: new Map() }
      this.#rows.set(from, row)
    }
    const count = row.next.get(to)
    if (count === undefined) this.#pairs++
    row.next.set(to, (count ?? 0) + by)
    row.total += by
  }
}
