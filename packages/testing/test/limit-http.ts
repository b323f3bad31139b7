import { randomUUID } from 'node:crypto'
import http from 'node:http'

/** The Redis shared by every test on this machine and in CI: never flushed, keys live under a prefix. */
export const sharedRedisUrl = 'redis://127.0.0.1:6379'

/** A key prefix no other test (or run) uses, so counters never collide on the shared Redis. */
export const uniquePrefix = (): string => `test:${randomUUID()}:`

/** One answer as the limit tests look at it. */
export interface Answer {
  readonly status: number
  /** The problem code of a gateway refusal (`limit.rate_exceeded`, …), when the body is a problem. */
  readonly code: string | undefined
  readonly headers: http.IncomingHttpHeaders
  /** From sending the request to the end of the response body. */
  readonly ms: number
}

/** Options of {@link send}. */
export interface SendOptions {
  readonly method?: string
  readonly path?: string
  readonly headers?: Record<string, string>
  readonly body?: string
  /** Default `false`: a fresh connection per request, so no idle socket outlives a closed server. */
  readonly agent?: http.Agent | false
}

/** Sends one request with node:http and reads the whole answer. */
export function send(url: string, options: SendOptions = {}): Promise<Answer> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}${options.path ?? '/users/1'}`,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          const problem = response.headers['content-type']?.includes('problem+json')
            ? (JSON.parse(text) as { code?: string })
            : undefined
          resolve({
            status: response.statusCode ?? 0,
            code: problem?.code,
            headers: response.headers,
            ms: performance.now() - started,
          })
        })
      },
    )
    request.on('error', reject)
    request.end(options.body)
  })
}

/**
 * Sends `total` requests at once, spread round-robin over `urls` (one per gateway instance).
 * A keep-alive agent caps each server at 100 sockets: enough to race, without exhausting the
 * listen backlog and turning the test into one about connection resets.
 */
export async function burst(urls: readonly string[], total: number, options: SendOptions = {}): Promise<Answer[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 100 })
  try {
    return await Promise.all(
      Array.from({ length: total }, (_, i) => send(urls[i % urls.length] as string, { ...options, agent })),
    )
  } finally {
    agent.destroy()
  }
}

/** How many answers had each outcome, e.g. `{ '200': 100, '429 limit.rate_exceeded': 900 }`. */
export function tally(answers: readonly Answer[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const { status, code } of answers) {
    const outcome = code === undefined ? String(status) : `${status} ${code}`
    counts[outcome] = (counts[outcome] ?? 0) + 1
  }
  return counts
}
