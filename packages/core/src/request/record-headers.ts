import type { RequestHeaders } from './request-headers'

/** Headers as Node parses them: lowercase names, repeated ones as arrays. */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>

const joinValue = (value: string | readonly string[]): string => (typeof value === 'string' ? value : value.join(', '))

/**
 * A {@link RequestHeaders} view over a plain header record (Node's `IncomingMessage.headers`),
 * without copying it: building a Fetch `Headers` per request costs microseconds nobody needs.
 */
export class RecordHeaders implements RequestHeaders {
  readonly #headers: HeaderRecord

  constructor(headers: HeaderRecord) {
    this.#headers = headers
  }

  get(name: string): string | null {
    const value = this.#headers[name.toLowerCase()]
    return value === undefined ? null : joinValue(value)
  }

  has(name: string): boolean {
    return this.#headers[name.toLowerCase()] !== undefined
  }

  *entries(): IterableIterator<[string, string]> {
    for (const [name, value] of Object.entries(this.#headers)) {
      if (value !== undefined) yield [name, joinValue(value)]
    }
  }
}
