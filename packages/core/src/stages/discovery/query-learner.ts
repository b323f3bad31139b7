import { readCount } from '../../stats/read-count'
import { isRecord } from './is-record'
import {
  looksLikeValue,
  mergeTally,
  newTally,
  stringValueType,
  type TypeTally,
  type TypeTallyJSON,
  tallySchema,
  tallyToJSON,
  tallyType,
} from './value-type'

/** One query parameter's learning, as plain JSON. */
export interface QueryParameterJSON extends TypeTallyJSON {
  /** Requests it was present in. */
  readonly count: number
  /** Requests it was present in more than once (`?tag=a&tag=b`). */
  readonly repeated: number
}

/** A {@link QueryLearner}'s learning, as plain JSON. */
export interface QueryJSON {
  readonly version: 1
  readonly requests: number
  /** Some names were not learned (past the cap, or looking like data). */
  readonly open?: true
  readonly parameters: Readonly<Record<string, QueryParameterJSON>>
}

/** A learned query parameter, ready for an OpenAPI parameter object. */
export interface LearnedParameter {
  readonly name: string
  /** Present in every request learned from. */
  readonly required: boolean
  readonly schema: Record<string, unknown>
}

/** Bounds on what a {@link QueryLearner} keeps. */
export interface QueryLimits {
  /** Parameter names learned; others are counted only as `open`. Default 50. */
  readonly maxNames?: number
  /** Values of one name learned per request. Default 20. */
  readonly maxValues?: number
}

interface QueryParameter {
  count: number
  repeated: number
  readonly tally: TypeTally
}

/**
 * Learns an endpoint's query parameters: the names seen (up to a cap), each one's type and format
 * as the strings suggest, whether every request had it, and whether it repeats (an array). No value
 * is kept; a name that looks like data is not kept either.
 */
export class QueryLearner {
  readonly #parameters = new Map<string, QueryParameter>()
  readonly #maxNames: number
  readonly #maxValues: number
  #requests = 0
  #open = false

  constructor(limits: QueryLimits = {}) {
    this.#maxNames = limits.maxNames ?? 50
    this.#maxValues = limits.maxValues ?? 20
  }

  /** Requests learned from. */
  get requests(): number {
    return this.#requests
  }

  /** Whether some names were seen but not learned. */
  get open(): boolean {
    return this.#open
  }

  /** Learns from one request's query. */
  observe(query: URLSearchParams): void {
    this.#requests++
    const times = new Map<QueryParameter, number>()
    for (const [name, value] of query) {
      const parameter = this.#parameter(name)
      if (parameter === undefined) continue
      const seen = times.get(parameter) ?? 0
      times.set(parameter, seen + 1)
      if (seen < this.#maxValues) tallyType(parameter.tally, stringValueType(value))
    }
    for (const [parameter, count] of times) {
      parameter.count++
      if (count > 1) parameter.repeated++
    }
  }

  /** The parameters learned, in the order first seen. */
  parameters(): LearnedParameter[] {
    return [...this.#parameters].map(([name, parameter]) => {
      const value = tallySchema(parameter.tally, true)
      const schema = parameter.repeated > 0 ? { type: 'array', items: value } : value
      return { name, required: this.#requests > 0 && parameter.count === this.#requests, schema }
    })
  }

  /** Adds another learner's learning to this one's. */
  merge(other: QueryLearner): this {
    this.#absorb(other.toJSON())
    return this
  }

  /** The learning as plain JSON. */
  toJSON(): QueryJSON {
    const parameters = Object.fromEntries(
      [...this.#parameters].map(([name, { count, repeated, tally }]) => [
        name,
        { count, repeated, ...tallyToJSON(tally) },
      ]),
    )
    return { version: 1, requests: this.#requests, ...(this.#open ? { open: true as const } : {}), parameters }
  }

  /** A learner holding serialised learning, within `limits`; throws a `TypeError` on malformed input. */
  static fromJSON(json: unknown, limits: QueryLimits = {}): QueryLearner {
    if (!isRecord(json) || json.version !== 1) throw new TypeError('not a serialised QueryLearner (version 1)')
    const learner = new QueryLearner(limits)
    learner.#absorb(json as unknown as QueryJSON)
    return learner
  }

  #parameter(name: string): QueryParameter | undefined {
    let parameter = this.#parameters.get(name)
    if (parameter === undefined) {
      if (this.#parameters.size >= this.#maxNames || looksLikeValue(name)) {
        this.#open = true
        return undefined
      }
      parameter = { count: 0, repeated: 0, tally: newTally() }
      this.#parameters.set(name, parameter)
    }
    return parameter
  }

  #absorb(json: QueryJSON): void {
    if (!isRecord(json.parameters)) throw new TypeError('query parameters must be an object')
    this.#requests += readCount(json.requests)
    if (json.open === true) this.#open = true
    for (const [name, entry] of Object.entries(json.parameters)) {
      if (!isRecord(entry)) throw new TypeError('a query parameter must be an object')
      const parameter = this.#parameter(name)
      if (parameter === undefined) continue
      parameter.count += readCount(entry.count)
      parameter.repeated += readCount(entry.repeated)
      mergeTally(parameter.tally, entry)
    }
  }
}
