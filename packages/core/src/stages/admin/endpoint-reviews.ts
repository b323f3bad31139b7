import type { Store } from '../../store/store'
import type { EndpointKey } from '../discovery/openapi-export'

/** What a team decided about a discovered endpoint: not looked at yet, part of the API, or not. */
export type ReviewState = 'new' | 'saved' | 'ignored'

export const reviewStates: readonly ReviewState[] = ['new', 'saved', 'ignored']

/** The review state of each discovered endpoint, kept in the store (a fleet shares it; it outlives restarts). */
export class EndpointReviews {
  readonly #store: Store

  constructor(store: Store) {
    this.#store = store
  }

  #key(endpoint: EndpointKey): string {
    return `admin:review:${endpoint.method} ${endpoint.template}`
  }

  /** The state of each endpoint, in the same order. */
  async states(endpoints: readonly EndpointKey[]): Promise<ReviewState[]> {
    const stored = await Promise.all(endpoints.map((endpoint) => this.#store.get(this.#key(endpoint))))
    return stored.map((state) => (state === 'saved' || state === 'ignored' ? state : 'new'))
  }

  /** Records a decision; `new` forgets an earlier one. */
  async set(endpoint: EndpointKey, state: ReviewState): Promise<void> {
    if (state === 'new') await this.#store.delete(this.#key(endpoint))
    else await this.#store.set(this.#key(endpoint), state)
  }
}
