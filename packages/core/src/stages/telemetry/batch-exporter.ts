/** What one attempt to send a batch came to. */
export type ExportResult =
  | { readonly kind: 'success' }
  /** Worth trying again (429, 502, 503, 504, no connection), after `retryAfterMs` when the receiver said. */
  | { readonly kind: 'retryable'; readonly retryAfterMs?: number | undefined }
  /** Not worth trying again (any other 4xx or 5xx): the batch is dropped and counted as failed. */
  | { readonly kind: 'failure' }

/** Sends one batch; never throws (a throw counts as retryable). */
export type SendBatch<T> = (batch: readonly T[], signal: AbortSignal) => Promise<ExportResult>

/** How an exporter batches and retries. */
export interface BatchExporterOptions {
  /** Records waiting at most; past it new records are dropped and counted. */
  readonly maxQueue: number
  /** Records per request at most. */
  readonly maxBatch: number
  /** How long records wait for a batch to fill. */
  readonly delayMs: number
  /** One attempt's deadline. */
  readonly timeoutMs: number
  /** Attempts per batch at most (the first included). */
  readonly maxAttempts: number
  /** The first backoff; it doubles per attempt, with jitter, up to 30 s. */
  readonly backoffMs: number
}

/** What an exporter has done so far. */
export interface ExporterStats {
  /** Records the receiver accepted. */
  readonly exported: number
  /** Records dropped: the queue was full, or a batch ran out of attempts or time. */
  readonly dropped: number
  /** Records the receiver refused for good (a non-retryable answer). */
  readonly failed: number
  /** Attempts that were tried again. */
  readonly retries: number
  /** Records waiting. */
  readonly queued: number
}

const maxBackoffMs = 30_000

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(resolve, ms)
    timer.unref?.()
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })

/**
 * Batches records and sends them off the request path, one request in flight: a bounded queue that
 * drops and counts when full, retries of retryable answers with exponential backoff and jitter (or the
 * receiver's `Retry-After`), and a flush with a deadline when the gateway shuts down.
 */
export class BatchExporter<T> {
  readonly #send: SendBatch<T>
  readonly #options: BatchExporterOptions
  #queue: T[] = []
  #timer: ReturnType<typeof setTimeout> | undefined
  #running: Promise<void> | undefined
  readonly #stop = new AbortController()
  #exported = 0
  #dropped = 0
  #failed = 0
  #retries = 0

  constructor(send: SendBatch<T>, options: BatchExporterOptions) {
    this.#send = send
    this.#options = options
  }

  /** Queues a record; false when it was dropped. Never waits. */
  push(record: T): boolean {
    if (this.#queue.length >= this.#options.maxQueue || this.#stop.signal.aborted) {
      this.#dropped++
      return false
    }
    this.#queue.push(record)
    if (this.#queue.length >= this.#options.maxBatch) this.#kick()
    else if (this.#timer === undefined && this.#running === undefined) {
      this.#timer = setTimeout(() => this.#kick(), this.#options.delayMs)
      this.#timer.unref?.()
    }
    return true
  }

  get stats(): ExporterStats {
    return {
      exported: this.#exported,
      dropped: this.#dropped,
      failed: this.#failed,
      retries: this.#retries,
      queued: this.#queue.length,
    }
  }

  /** Sends what is queued, giving up at the deadline (what is left is dropped and counted). */
  async shutdown(deadlineMs: number): Promise<void> {
    const deadline = setTimeout(() => this.#stop.abort(), deadlineMs)
    deadline.unref?.()
    this.#kick()
    while (this.#running !== undefined) await this.#running
    clearTimeout(deadline)
    this.#stop.abort()
    this.#dropped += this.#queue.length
    this.#queue = []
  }

  #kick(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#running !== undefined) return
    this.#running = this.#drain().finally(() => {
      this.#running = undefined
      if (this.#queue.length > 0 && !this.#stop.signal.aborted) {
        this.#timer = setTimeout(() => this.#kick(), this.#options.delayMs)
        this.#timer.unref?.()
      }
    })
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#stop.signal.aborted) {
      const batch = this.#queue.splice(0, this.#options.maxBatch)
      await this.#deliver(batch)
    }
  }

  async #deliver(batch: readonly T[]): Promise<void> {
    const { maxAttempts, timeoutMs, backoffMs } = this.#options
    for (let attempt = 1; ; attempt++) {
      let result: ExportResult
      try {
        const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.#stop.signal])
        result = await this.#send(batch, signal)
      } catch {
        result = { kind: 'retryable' }
      }
      if (result.kind === 'success') {
        this.#exported += batch.length
        return
      }
      if (result.kind === 'failure') {
        this.#failed += batch.length
        return
      }
      if (attempt >= maxAttempts || this.#stop.signal.aborted) {
        this.#dropped += batch.length
        return
      }
      this.#retries++
      const backoff = Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)
      await sleep(result.retryAfterMs ?? backoff, this.#stop.signal)
    }
  }
}

/** The delay a `Retry-After` header asks for (seconds or an HTTP date), in ms; `undefined` without one. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** What an HTTP status means for an export (OTLP's rules): 2xx done; 429, 502, 503, 504 retry; others fail. */
export function exportResultOf(response: Response): ExportResult {
  if (response.ok) return { kind: 'success' }
  if ([429, 502, 503, 504].includes(response.status))
    return { kind: 'retryable', retryAfterMs: retryAfterMs(response.headers.get('retry-after')) }
  return { kind: 'failure' }
}
