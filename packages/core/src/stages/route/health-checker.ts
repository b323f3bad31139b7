import { targetUrl, type UpstreamPool, type UpstreamTarget } from './upstream-pool'

/** The active health check of an upstream. */
export interface HealthCheckOptions {
  readonly path: string
  readonly intervalMs: number
  readonly timeoutMs: number
  readonly unhealthyAfter: number
  readonly healthyAfter: number
}

/**
 * Asks every target of a pool for `path` at an interval: `unhealthyAfter` failed checks in a row take
 * a target out of rotation, `healthyAfter` passed ones bring it back. A 2xx or 3xx answer passes.
 */
export class HealthChecker {
  readonly #pool: UpstreamPool
  readonly #options: HealthCheckOptions
  readonly #streaks = new Map<UpstreamTarget, number>()
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(pool: UpstreamPool, options: HealthCheckOptions) {
    this.#pool = pool
    this.#options = options
  }

  /** Starts checking; the first round runs at once. */
  start(): void {
    if (this.#timer !== undefined) return
    void this.checkAll()
    this.#timer = setInterval(() => void this.checkAll(), this.#options.intervalMs)
    this.#timer.unref?.()
  }

  /** Checks every target once. */
  async checkAll(): Promise<void> {
    await Promise.all(this.#pool.targets.map((target) => this.#check(target)))
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  async #check(target: UpstreamTarget): Promise<void> {
    const { path, timeoutMs } = this.#options
    const url = targetUrl(target, path)
    this.#record(target, url !== undefined && (await this.#passes(target, url, timeoutMs)))
  }

  async #passes(target: UpstreamTarget, url: URL, timeoutMs: number): Promise<boolean> {
    try {
      const response = await target.transport.send({
        url,
        method: 'GET',
        headers: [
          ['host', target.host],
          ['user-agent', 'portcullis-health-check'],
        ],
        body: undefined,
        signal: AbortSignal.timeout(timeoutMs),
      })
      await response.body?.cancel().catch(() => {})
      return response.status >= 200 && response.status < 400
    } catch {
      return false
    }
  }

  /** Streaks count up for passes and down for failures; crossing a threshold flips the target. */
  #record(target: UpstreamTarget, passed: boolean): void {
    const streak = this.#streaks.get(target) ?? 0
    const next = passed ? Math.max(streak, 0) + 1 : Math.min(streak, 0) - 1
    this.#streaks.set(target, next)
    if (passed && !target.healthy && next >= this.#options.healthyAfter) {
      target.healthy = true
      this.#pool.succeeded(target)
    } else if (!passed && target.healthy && -next >= this.#options.unhealthyAfter) {
      target.healthy = false
    }
  }
}
