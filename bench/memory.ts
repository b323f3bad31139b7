/**
 * The engine's memory under cardinality: the heap after 1,000,000 requests to distinct ids (what
 * discovery keeps must stay one endpoint, not a million), and after 100,000 distinct consumers (what
 * rate limits, quotas and analytics keep must stay bounded). In process, with the collector run
 * before each reading. Prints a Markdown table.
 * Usage: `pnpm bench:memory` (node --expose-gc; it builds the packages first and runs the built ones).
 */
import { createEngine, type GatewayConfig, proceed, type Stage } from '@portcullis/node'
import { rawRequest } from './lib/raw-request'

const collect = (globalThis as { gc?: () => void }).gc
if (collect === undefined) throw new Error('run with node --expose-gc')

const heapMiB = (): number => {
  collect()
  collect()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

/** The consumer a request names in `x-consumer`, as if authentication had found it: no signing in the loop. */
const consumerFromHeader: Stage = {
  name: 'bench-consumer',
  phase: 'authenticate',
  run(ctx) {
    const consumer = ctx.request.headers.get('x-consumer') ?? 'anonymous'
    ctx.principal = { consumer, groups: ['plan-a'], scopes: [], claims: {}, credential: 'bench' }
    return proceed
  },
}

interface MemoryCase {
  readonly name: string
  readonly config: GatewayConfig
  readonly requests: number
  /** The request number `n` (0-based). */
  readonly request: (n: number) => { target: string; headers: Record<string, string> }
  /** Readings taken after these many requests, besides the last. */
  readonly checkpoints: readonly number[]
}

/** A rate limit and a quota per consumer (never reached), and analytics: state kept per consumer. */
const perConsumer: GatewayConfig = {
  stages: [consumerFromHeader],
  rateLimits: [{ by: 'consumer', limit: 1_000_000, window: '1h' }],
  quotas: [{ limit: 1_000_000, period: 'month' }],
  telemetry: { analytics: true },
}

const cases: MemoryCase[] = [
  {
    name: '1,000,000 distinct ids (discovery on every request)',
    config: { discovery: { sampleRate: 1 } },
    requests: 1_000_000,
    request: (n) => ({ target: `/users/${n}`, headers: {} }),
    checkpoints: [100_000],
  },
  {
    name: '100,000 distinct consumers (rate limit and quota per consumer, analytics)',
    config: perConsumer,
    requests: 200_000,
    request: (n) => ({ target: '/users/42', headers: { 'x-consumer': `consumer-${n % 100_000}` } }),
    checkpoints: [100_000],
  },
  {
    name: '1,000,000 distinct ids and 100,000 consumers, everything above at once',
    config: { ...perConsumer, discovery: { sampleRate: 1, sessionKey: ['consumer'] } },
    requests: 1_000_000,
    request: (n) => ({ target: `/users/${n}`, headers: { 'x-consumer': `consumer-${n % 100_000}` } }),
    checkpoints: [100_000],
  },
]

async function measure(memoryCase: MemoryCase): Promise<string> {
  const before = heapMiB()
  const engine = createEngine(memoryCase.config)
  await engine.ready()
  const readings: string[] = []
  const started = performance.now()
  for (let n = 0; n < memoryCase.requests; n++) {
    const { target, headers } = memoryCase.request(n)
    const outcome = await engine.handle(rawRequest('GET', target, headers))
    if (outcome.kind !== 'continue') throw new Error(`${memoryCase.name}: request ${n} refused`)
    engine.complete(outcome.ctx, { status: 200, bytes: 64 })
    if (memoryCase.checkpoints.includes(n + 1))
      readings.push(`${(n + 1).toLocaleString('en-US')}: +${(heapMiB() - before).toFixed(1)} MiB`)
  }
  const seconds = (performance.now() - started) / 1000
  // Discovery learns after the response, a microtask later: let it finish before the last reading.
  await new Promise((resolve) => setTimeout(resolve, 50))
  const after = heapMiB() - before
  const endpoints = (await engine.discovery?.endpoints())?.length
  const analytics = engine.telemetry.analytics(5)
  await engine.close()
  const kept = [
    endpoints === undefined ? undefined : `${endpoints} endpoint(s) learned`,
    analytics === undefined ? undefined : `${analytics.consumers.length} top consumers reported`,
  ]
    .filter((text) => text !== undefined)
    .join(', ')
  return `| ${memoryCase.name} | ${readings.join('; ')} | **+${after.toFixed(1)} MiB** | ${(memoryCase.requests / seconds / 1000).toFixed(0)}k | ${kept} |`
}

const rows: string[] = []
for (const memoryCase of cases) rows.push(await measure(memoryCase))
console.log(
  [
    `Heap growth (\`heapUsed\` after a full collection, over the heap before the engine was built), Node ${process.version}.`,
    'Every request through `engine.handle()` and `engine.complete()` on the memory store.\n',
    '| Traffic | heap along the way | heap at the end | requests/s | what the engine reports |',
    '| --- | --- | ---: | ---: | --- |',
    ...rows,
  ].join('\n'),
)
