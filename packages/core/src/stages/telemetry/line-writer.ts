/** What a {@link LineWriter} has done so far. */
export interface LineWriterStats {
  /** Lines handed to the destination. */
  readonly written: number
  /** Lines dropped because the queue was full. */
  readonly dropped: number
  /** Lines waiting to be written. */
  readonly queued: number
}

/** Writes a batch of lines (each ending in a newline); settles when the destination took them. */
export type BatchWrite = (chunk: string, lines: readonly string[]) => void | Promise<void>

/**
 * Queues lines and writes them in batches, one write in flight at a time, off the request path. The
 * queue is bounded: when it is full, a new line is dropped and counted, never waited for.
 */
export class LineWriter {
  readonly #write: BatchWrite
  readonly #maxQueue: number
  #queue: string[] = []
  #inFlight: Promise<void> | undefined
  #scheduled = false
  #written = 0
  #dropped = 0

  constructor(write: BatchWrite, maxQueue: number) {
    this.#write = write
    this.#maxQueue = maxQueue
  }

  /** Queues a line; false when it was dropped. */
  push(line: string): boolean {
    if (this.#queue.length >= this.#maxQueue) {
      this.#dropped++
      return false
    }
    this.#queue.push(line)
    if (!this.#scheduled && this.#inFlight === undefined) {
      this.#scheduled = true
      setImmediate(() => {
        this.#scheduled = false
        void this.#drain()
      })
    }
    return true
  }

  get stats(): LineWriterStats {
    return { written: this.#written, dropped: this.#dropped, queued: this.#queue.length }
  }

  /** Writes everything queued; resolves once the destination took it (or failed). */
  async flush(): Promise<void> {
    while (this.#inFlight !== undefined || this.#queue.length > 0) {
      if (this.#inFlight === undefined) await this.#drain()
      else await this.#inFlight
    }
  }

  async #drain(): Promise<void> {
    if (this.#inFlight !== undefined || this.#queue.length === 0) return
    const lines = this.#queue
    this.#queue = []
    const done = (async () => {
      try {
        await this.#write(`${lines.join('\n')}\n`, lines)
        this.#written += lines.length
      } catch {
        // A failing destination loses this batch, counted; the next batch tries again.
        this.#dropped += lines.length
      }
    })()
    this.#inFlight = done
    await done
    this.#inFlight = undefined
    if (this.#queue.length > 0) await this.#drain()
  }
}
