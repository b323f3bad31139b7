import type { IncomingHttpHeaders } from 'node:http'
import type { RequestHeaders } from '@portcullis/core'

const joinValue = (value: string | string[]): string => (Array.isArray(value) ? value.join(', ') : value)

/** A {@link RequestHeaders} view over Node's parsed headers, without copying them. */
export class NodeRequestHeaders implements RequestHeaders {
  readonly #headers: IncomingHttpHeaders

  constructor(headers: IncomingHttpHeaders) {
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
