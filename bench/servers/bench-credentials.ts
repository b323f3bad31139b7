/**
 * The credentials every authenticated benchmark server checks. The runner makes an ES256 key pair
 * per run (lib/bench-tokens.ts), signs the tokens the load generator sends, and hands the servers
 * only the public key, as a JWK set in `BENCH_JWKS`.
 */
import { createHash } from 'node:crypto'

export const benchIssuer = 'https://idp.bench.example'
export const benchAudience = 'https://api.bench.example'

/** The API key the API-key check accepts (requests in the benchmark carry the JWT instead). */
export const benchApiKey = 'pk_bench_peer_0123456789abcdefghijkl'
export const benchApiKeyHash = `sha256:${createHash('sha256').update(benchApiKey).digest('hex')}`

/** The public JWK set the runner made for this run. */
export function benchJwks(env = process.env): { keys: Record<string, unknown>[] } {
  const text = env.BENCH_JWKS
  if (text === undefined) throw new Error('BENCH_JWKS is not set: authenticated servers are started by the runner')
  return JSON.parse(text) as { keys: Record<string, unknown>[] }
}

/** A log line's destination that drops it: what is measured is building the line, not a disk. */
export const noopSink = (_line: string): void => {}
