import type { Store } from '../../store/store'
import { DiscoveryBook, type DiscoveryBookOptions, type DiscoverySnapshot } from './discovery-book'

const instancesKey = 'discovery:instances'
const snapshotKey = (slot: number) => `discovery:snapshot:${slot}`
// Slots are handed out by a counter that restarts never reuse; only the newest are read.
const slotsRead = 256
const slotLifetimeMs = 30 * 86_400_000

/**
 * Shares what each instance of a fleet learned through the store: every `intervalMs` an instance
 * publishes its snapshot under its own slot (expiring after three intervals, so a stopped instance
 * drops out), and a report merges the instance's live book with the others' latest snapshots.
 */
export class DiscoveryFleet {
  readonly #book: DiscoveryBook
  readonly #store: Store
  readonly #options: DiscoveryBookOptions
  readonly #intervalMs: number
  #slot: Promise<number> | undefined
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(book: DiscoveryBook, store: Store, options: DiscoveryBookOptions, intervalMs: number) {
    this.#book = book
    this.#store = store
    this.#options = options
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
    this.#slot ??= this.#store.increment(instancesKey, 1, slotLifetimeMs).then(({ value }) => value)
    // A failed attempt (the store was down) is retried on the next publish.
    this.#slot.catch(() => {
      this.#slot = undefined
    })
    return this.#slot
  }

  /** Publishes this instance's snapshot now. */
  async publish(): Promise<void> {
    const slot = await this.#ownSlot()
    await this.#store.set(snapshotKey(slot), JSON.stringify(this.#book.snapshot()), this.#intervalMs * 3)
  }

  /** This instance's book merged with every other live instance's latest snapshot. */
  async merged(): Promise<DiscoveryBook> {
    const slot = await this.#ownSlot()
    const newest = Number((await this.#store.get(instancesKey)) ?? slot)
    const others: Promise<string | undefined>[] = []
    for (let other = Math.max(1, newest - slotsRead + 1); other <= newest; other++) {
      if (other !== slot) others.push(this.#store.get(snapshotKey(other)))
    }
    const fleet = new DiscoveryBook(this.#options)
    fleet.merge(this.#book.snapshot())
    for (const text of await Promise.all(others)) {
      if (text === undefined) continue
      try {
        fleet.merge(JSON.parse(text) as DiscoverySnapshot)
      } catch {
        // A snapshot another version wrote, or a damaged one: the report goes on without it.
      }
    }
    return fleet
  }

  /** Stops publishing, after one last snapshot. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    await this.publish().catch(() => {})
  }
}
