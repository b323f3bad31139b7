/** What the runner asks of one load-generator process (passed as a JSON argument). */
export interface LoadRequest {
  readonly url: string
  readonly method: 'GET' | 'POST'
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string | undefined
  /** A file of bearer tokens, one a line: each request carries the next one instead of the route's. */
  readonly tokensFile?: string | undefined
  readonly connections: number
  /** Seconds of discarded load before the measured window, so the server's JIT is warm. */
  readonly warmupSeconds: number
  readonly durationSeconds: number
  /** The server process, whose CPU time is sampled around the measured window. */
  readonly serverPid: number
  /** The upstream behind the server, if any, sampled the same way. */
  readonly upstreamPid?: number | undefined
}

/** What one load-generator process reports (one JSON line on stdout). */
export interface LoadResult {
  /** Responses completed in the measured window. */
  readonly requests: number
  /** The measured window's length, as autocannon timed it. */
  readonly durationSeconds: number
  readonly requestsPerSecond: number
  /** Latency percentiles from every response's own sub-millisecond time, not autocannon's integer-ms histogram. */
  readonly p50Ms: number
  readonly p99Ms: number
  readonly non2xx: number
  /** Connection errors and timeouts together. */
  readonly errors: number
  /** CPU time (user + system) the server process used in the measured window. */
  readonly serverCpuSeconds: number
  /** CPU time the upstream process used in the measured window; 0 when there is none. */
  readonly upstreamCpuSeconds: number
  /** CPU time the load generator used in the measured window: near 1 per second means it, not the server, was the limit. */
  readonly loadCpuSeconds: number
  /**
   * CPU time the rest of the machine used in the window (other processes, the kernel, steal): well
   * above 0, something else competed with the benchmark.
   */
  readonly otherCpuSeconds: number
}
