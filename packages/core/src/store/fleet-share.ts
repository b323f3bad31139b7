import type { Store } from './store'

// Slots are handed out by a counter that restarts never reuse; only the newest are read.
const slotsRead = 256
const slotLifetimeMs = 30 * 86_400_000

/** What a fleet shares: how to read one instance's state, and how to fold states into a fresh copy. */
export interface Shareable<Book, State> {
  /** The store key prefix, e.g. `discovery`. */
  readonly name: string
  /** This instance's state as plain JSON. */
  state(): State
  /** A fresh, empty book to merge into. */
  create(): Book
  /** Folds one instance's state into a book (throws on a malformed one). */
  merge(into: Book, state: State): void
}

/**
 * Shares what each instance of a fleet keeps through the store: every `intervalMs` an instance
 * publishes its state under its own slot (expiring after three intervals, so a stopped instance
 * drops out), and `merged()` folds this instance's live state with the others' latest.
 */
export class FleetShare<Book, State> {
  readonly #shareable: Shareable<Book, State>
  readonly #store: Store
  readonly #intervalMs: number
  #slot: Promise<number> | undefined
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(shareable: Shareable<Book, State>, store: Store, intervalMs: number) {
    this.#shareable = shareable
    this.#store = store
    this.#intervalMs = intervalMs
  }

  /** Starts publishing; the timer does not keep the process alive. */
  start(): void {
    this.#timer = setInterval(() => {
      this.publish().catch(() => {})
    }, this.#intervalMs)
    this.#timer.unref?.()
  }

  #ownSlot(): Promise<number> {
    this.#slot ??= this.#store
      .increment(`${this.#shareable.name}:instances`, 1, slotLifetimeMs)
      .then(({ value }) => value)
    // A failed attempt (the store was down) is retried on the next publish.
    this.#slot.catch(() => {
      this.#slot = undefined
    })
    return this.#slot
  }

  #stateKey(slot: number): string {
    return `${this.#shareable.name}:snapshot:${slot}`
  }

  /** Publishes this instance's state now. */
  async publish(): Promise<void> {
    const slot = await this.#ownSlot()
    await this.#store.set(this.#stateKey(slot), JSON.stringify(this.#shareable.state()), this.#intervalMs * 3)
  }

  /** This instance's state merged with every other live instance's latest. */
  async merged(): Promise<Book> {
    const { name } = this.#shareable
    const slot = await this.#ownSlot()
    const newest = Number((await this.#store.get(`${name}:instances`)) ?? slot)
    const others: Promise<string | undefined>[] = []
    for (let other = Math.max(1, newest - slotsRead + 1); other <= newest; other++) {
      if (other !== slot) others.push(this.#store.get(this.#stateKey(other)))
    }
    const fleet = this.#shareable.create()
    this.#shareable.merge(fleet, this.#shareable.state())
    for (const text of await Promise.all(others)) {
      if (text === undefined) continue
      try {
        this.#shareable.merge(fleet, JSON.parse(text) as State)
      } catch {
        // A state another version wrote, or a damaged one: the report goes on without it.
      }
    }
    return fleet
  }

  /** Stops publishing, after one last publish. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    await this.publish().catch(() => {})
  }
}
