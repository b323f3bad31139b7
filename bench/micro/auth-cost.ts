/**
 * The micro benchmark of authentication: `engine.handle()` per request with no auth, an API key, and
 * an ES256 JWT with the verified-token cache off and on. Everything is in-process (a local JWK set),
 * so it measures the gateway's own work, not a network. Prints a Markdown table.
 * Usage: `pnpm bench:auth` (it builds the packages first and runs the built ones).
 */
import { createHash } from 'node:crypto'
import { createEngine, type GatewayConfig, type Outcome } from '@portcullis/node'
import { benchKey, signBenchJwt } from '../lib/bench-tokens'
import { continues, type MicroCase, type MicroSubject, runMicroBench } from '../lib/micro-bench'
import { rawRequest } from '../lib/raw-request'
import { benchAudience, benchIssuer } from '../servers/bench-credentials'

const apiKey = 'pk_bench0123456789abcdefghijklmnopqrstuv'

const request = (headers: Record<string, string>) => rawRequest('GET', '/rooms/7?view=full', headers)

/** Passes when the request is let through as `consumer` (`undefined`: as nobody, with no auth). */
const letThroughAs =
  (consumer: string | undefined) =>
  async (outcome: Outcome): Promise<void> => {
    await continues(outcome)
    const seen = outcome.kind === 'continue' ? outcome.ctx.principal?.consumer : undefined
    if (seen !== consumer) throw new Error(`let through as ${seen}, not ${consumer}`)
  }

/** A case: an engine with `config`, sent a GET with `headers`. */
const subject = (config: GatewayConfig, headers: Record<string, string>) => (): MicroSubject => {
  const engine = createEngine(config)
  return { engine, handle: () => engine.handle(request(headers)) }
}

function cases(): MicroCase[] {
  const key = benchKey()
  const bearer = { authorization: `Bearer ${signBenchJwt(key)}` }
  const jwt = (maxEntries: number): GatewayConfig => ({
    auth: {
      jwt: {
        issuer: benchIssuer,
        audience: benchAudience,
        algorithms: ['ES256'],
        jwks: { keys: [key.jwk] },
        cache: { maxEntries },
      },
    },
  })
  const hash = `sha256:${createHash('sha256').update(apiKey).digest('hex')}`
  return [
    { name: 'no auth', setup: subject({}, {}), expect: letThroughAs(undefined) },
    {
      name: 'API key (static list)',
      setup: subject(
        { auth: { apiKeys: { keys: [{ id: 'bench', hash, consumer: 'acme' }] } } },
        { 'x-api-key': apiKey },
      ),
      expect: letThroughAs('acme'),
    },
    { name: 'JWT ES256, cache off', setup: subject(jwt(0), bearer), expect: letThroughAs('bench-client') },
    { name: 'JWT ES256, cache on', setup: subject(jwt(10_000), bearer), expect: letThroughAs('bench-client') },
  ]
}

await runMicroBench('Auth cost', cases())
