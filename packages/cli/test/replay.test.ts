import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/run-cli'
import { captureIo } from './capture-io'
import {
  bookingTraffic,
  type FixtureKeys,
  fixtureKeys,
  harEntry,
  harOf,
  hotelReads,
  recordedStart,
  writeReplayConfig,
} from './replay-fixture'

const tmp = mkdtempSync(join(tmpdir(), 'portcullis-replay-'))
const file = (name: string, text: string) => {
  const path = join(tmp, name)
  writeFileSync(path, text)
  return path
}

// A real upstream the config routes to: the replay must never call it.
let upstreamCalls = 0
const upstream = createServer((_req, res) => {
  upstreamCalls++
  res.end('from the network')
})
let keys: FixtureKeys
let config: string
let traffic: string

beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  keys = fixtureKeys()
  config = await writeReplayConfig(tmp, keys, `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`)
  traffic = file('bookings.har', harOf(bookingTraffic(keys)))
})

afterAll(async () => {
  // Every test ran offline: the upstream was never called.
  expect(upstreamCalls).toBe(0)
  await new Promise((resolve) => upstream.close(resolve))
})

async function replay(...args: string[]) {
  const run = captureIo()
  const code = await runCli(['replay', ...args], run.io)
  return { ...run, code }
}

interface Counts {
  requests: number
  passed: number
  blocked: number
  wouldBlock: number
}

interface JsonReport {
  offline: { notes: string[] }
  totals: Counts & { routed: number }
  rules: { stage: string; code: string; rule: string | null; status: number; blocked: number; wouldBlock: number }[]
  endpoints: (Counts & { method: string; template: string })[]
  consumers: (Counts & { consumer: string })[]
  read: number
  skipped: { where: string; reason: string }[]
}

const json = async (...args: string[]) => {
  const run = await replay(...args, '--format', 'json')
  expect(run.code, run.stderr()).toBe(0)
  return JSON.parse(run.stdout()) as JsonReport
}

describe('portcullis replay', () => {
  it('reports what the config blocks and would block, per rule, endpoint and consumer', async () => {
    const run = await replay(traffic, '--config', config)
    expect(run.code).toBe(0)
    expect(run.error).toEqual([])
    expect(run.out).toEqual([
      `Replayed 14 requests from ${traffic} (HAR) through ${config}, offline: no network, a fresh memory store, the recorded clock.`,
      '',
      'REQUESTS  PASSED  BLOCKED  WOULD BLOCK  ROUTED',
      '      14       8        5            1       2',
      'Blocked: refused by an enforced rule. Would block: refused only by rules in report mode, let through.',
      'Routed: answered by a route, offline, with the recorded status.',
      '',
      'Refusals by rule:',
      'STAGE               CODE                      RULE           STATUS  BLOCKED  WOULD BLOCK',
      'rate-limit          limit.rate_exceeded       hotel-reads       429        2            0',
      'acl                 acl.forbidden             -                 403        1            0',
      'authenticate        auth.credentials_missing  -                 401        1            0',
      'openapi-validation  request.invalid_json      -                 400        1            0',
      'rate-limit          limit.rate_exceeded       booking-watch     429        0            1',
      '',
      'By endpoint:',
      'ENDPOINT                   REQUESTS  PASSED  BLOCKED  WOULD BLOCK',
      'POST /bookings                    6       2        3            1',
      'GET /hotels/{hotelId}             5       3        2            0',
      'GET /rooms                        2       2        0            0',
      'GET /bookings/{bookingId}         1       1        0            0',
      '',
      'By consumer:',
      'CONSUMER   REQUESTS  PASSED  BLOCKED  WOULD BLOCK',
      'anonymous         8       5        3            0',
      'acme              4       2        1            1',
      'bob               2       1        1            0',
      '',
      'Skipped 2 of 16 entries (not replayed):',
      '  entry 1: not a URL or a path',
      '  entry 2: no response status',
    ])
  })

  it('prints the same data as one JSON document', async () => {
    const report = await json(traffic, '--config', config)
    expect(report.totals).toEqual({ requests: 14, passed: 8, blocked: 5, wouldBlock: 1, routed: 2 })
    const refusal = (stage: string, code: string, rule: string | null, status: number, blocked: number, would = 0) => ({
      stage,
      code,
      rule,
      status,
      blocked,
      wouldBlock: would,
    })
    expect(report.rules).toEqual([
      refusal('rate-limit', 'limit.rate_exceeded', 'hotel-reads', 429, 2),
      refusal('acl', 'acl.forbidden', null, 403, 1),
      refusal('authenticate', 'auth.credentials_missing', null, 401, 1),
      refusal('openapi-validation', 'request.invalid_json', null, 400, 1),
      refusal('rate-limit', 'limit.rate_exceeded', 'booking-watch', 429, 0, 1),
    ])
    expect(report.endpoints).toEqual([
      { method: 'POST', template: '/bookings', requests: 6, passed: 2, blocked: 3, wouldBlock: 1 },
      { method: 'GET', template: '/hotels/{hotelId}', requests: 5, passed: 3, blocked: 2, wouldBlock: 0 },
      { method: 'GET', template: '/rooms', requests: 2, passed: 2, blocked: 0, wouldBlock: 0 },
      { method: 'GET', template: '/bookings/{bookingId}', requests: 1, passed: 1, blocked: 0, wouldBlock: 0 },
    ])
    expect(report.consumers).toEqual([
      { consumer: 'anonymous', requests: 8, passed: 5, blocked: 3, wouldBlock: 0 },
      { consumer: 'acme', requests: 4, passed: 2, blocked: 1, wouldBlock: 1 },
      { consumer: 'bob', requests: 2, passed: 1, blocked: 1, wouldBlock: 0 },
    ])
    expect(report.read).toBe(16)
    expect(report.skipped).toEqual([
      { where: 'entry 1', reason: 'not a URL or a path' },
      { where: 'entry 2', reason: 'no response status' },
    ])
    expect(report.offline.notes).toEqual([])
  })

  it('counts rate limits on the recorded clock: the same requests spaced out pass', async () => {
    const burst = await json(file('burst.har', harOf(hotelReads(5))), '--config', config)
    expect(burst.totals).toMatchObject({ requests: 5, passed: 3, blocked: 2 })
    // Five reads a minute apart: each opens a window of its own, however fast the replay runs.
    const spaced = await json(file('spaced.har', harOf(hotelReads(61))), '--config', config)
    expect(spaced.totals).toMatchObject({ requests: 5, passed: 5, blocked: 0 })
    expect(spaced.rules).toEqual([])
  })

  it("replays the gateway's own access log, each request from its recorded client address", async () => {
    // Two clients: 4 hotel reads from one within a minute (one over the limit), 2 from the other.
    const clients = ['203.0.113.7', '203.0.113.7', '198.51.100.2', '203.0.113.7', '198.51.100.2', '203.0.113.7']
    const lines = clients.map((ip, n) => ({
      level: 30,
      time: recordedStart + n * 1000,
      req: { method: 'GET', path: `/hotels/h${n}`, query: 'lang=en', ip },
      res: { statusCode: 200, bytes: 12 },
      responseTime: 3.5,
      msg: 'request completed',
    }))
    const log = file('access.ndjson', lines.map((line) => JSON.stringify(line)).join('\n'))
    const report = await json(log, '--config', config)
    expect(report.totals).toMatchObject({ requests: 6, passed: 5, blocked: 1 })
    expect(report.endpoints).toEqual([
      { method: 'GET', template: '/hotels/{hotelId}', requests: 6, passed: 5, blocked: 1, wouldBlock: 0 },
    ])
    // Logs without an address: every request comes from 127.0.0.1, one client over the limit three times.
    const anonymous = lines.map(({ time, req }) => ({ time, method: req.method, path: req.path, status: 200 }))
    const plain = file('plain.ndjson', anonymous.map((line) => JSON.stringify(line)).join('\n'))
    expect((await json(plain, '--config', config)).totals).toMatchObject({ requests: 6, passed: 3, blocked: 3 })
  })

  it('replaces a Redis store with a fresh memory store and turns telemetry off, and says so', async () => {
    const port = (upstream.address() as AddressInfo).port
    const extra = `store: { redis: { url: "redis://127.0.0.1:1" } }
telemetry:
  logs: stdout
  otlp: { url: "http://127.0.0.1:${port}" }
`
    const folder = mkdtempSync(join(tmp, 'redis-'))
    const redisConfig = await writeReplayConfig(folder, keys, `http://127.0.0.1:${port}`, extra)
    const run = await replay(traffic, '--config', redisConfig, '--format', 'json')
    expect(run.code, run.stderr()).toBe(0)
    // Nothing but the report on stdout: the access log is not written.
    const report = JSON.parse(run.stdout()) as JsonReport
    expect(report.totals).toEqual({ requests: 14, passed: 8, blocked: 5, wouldBlock: 1, routed: 2 })
    expect(report.offline.notes).toEqual([
      `store: ${redisConfig} names a Redis store; the replay counts in a fresh memory store (Redis is not used).`,
      'telemetry: off during the replay (no access log written, nothing exported).',
    ])
    const text = await replay(traffic, '--config', redisConfig)
    expect(text.out[1]).toBe(report.offline.notes[0])
  })

  it('refuses a config that needs the network to check requests, naming each part', async () => {
    const online = file(
      'online.yaml',
      `openapi: https://api.example/openapi.yaml
auth:
  jwt:
    audience: api
    algorithms: [ES256]
    issuers:
      - { issuer: https://idp.example, jwksUri: https://idp.example/jwks }
      - { issuer: https://other.example, discovery: true }
  introspection: { url: https://idp.example/introspect, clientId: gw, clientSecret: s3cret }
`,
    )
    const run = await replay(traffic, '--config', online)
    expect(run.code).toBe(1)
    expect(run.error).toEqual([
      `portcullis replay runs offline, and ${online} needs the network:
  - openapi: the document is fetched; save it and name the file
  - auth.jwt.issuers[0].jwksUri: the keys are fetched; give them in auth.jwt.issuers[0].jwks
  - auth.jwt.issuers[1].discovery: the keys are found through the issuer's discovery document; give them in auth.jwt.issuers[1].jwks
  - auth.introspection: every token is checked by the authorization server`,
    ])
    expect(run.out).toEqual([])
  })

  it('exits 1 with --fail-on-block when a request is blocked or would be, else 0', async () => {
    expect((await replay(traffic, '--config', config, '--fail-on-block')).code).toBe(1)
    const spaced = await replay(file('calm.har', harOf(hotelReads(61))), '--config', config, '--fail-on-block')
    expect(spaced.code).toBe(0)
    // A rule in report mode alone fails it too: enforcing it would block.
    const booking = JSON.stringify({ hotelId: 'h1' })
    const watched = [45, 50, 55].map((s) => harEntry(s, 'POST', '/bookings', 201, { key: keys.partner, body: booking }))
    const run = await replay(file('watched.har', harOf(watched)), '--config', config, '--fail-on-block')
    expect(run.code).toBe(1)
    expect(run.out[3]).toBe('       3       2        0            1       0')
  })

  it('refuses bad traffic files and configs with exit code 1 and one message', async () => {
    const unanswered = harOf([{ ...harEntry(0, 'GET', '/rooms', 200), response: undefined }])
    const cases: [string[], RegExp][] = [
      [[join(tmp, 'missing.har'), '--config', config], /^Cannot read .*missing\.har: no such file\.$/],
      [[file('notes.txt', 'GET /rooms 200\n'), '--config', config], /notes\.txt is neither a HAR file nor NDJSON/],
      [
        [file('none.har', unanswered), '--config', config],
        /^No usable requests in .*none\.har: 1 entries, none usable \(entry 1: no response status\)\.$/,
      ],
      [[traffic, '--config', join(tmp, 'nope.yaml')], /nope\.yaml[\s\S]*file not found/],
      [[traffic, '--config', file('syntax.yaml', 'rateLimits: [\n')], /syntax\.yaml[\s\S]*invalid YAML at line \d+/],
    ]
    for (const [args, message] of cases) {
      const run = await replay(...args)
      expect(run.code, args.join(' ')).toBe(1)
      expect(run.error, args.join(' ')).toHaveLength(1)
      expect(run.error[0]).toMatch(message)
      expect(run.out).toEqual([])
    }
    // A config the gateway refuses: every problem, with its path.
    const invalid = file(
      'invalid.yaml',
      'rateLimits:\n  - { by: ip, limit: 0, window: 1m }\ncache: { maxEntries: -1 }\n',
    )
    const run = await replay(traffic, '--config', invalid)
    expect(run.code).toBe(1)
    expect(run.stderr()).toContain(invalid)
    for (const path of ['rateLimits[0].limit', 'cache.maxEntries']) expect(run.stderr()).toContain(`- ${path}`)
  })

  it('refuses wrong use with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [[traffic], /^portcullis replay needs --config FILE: the gateway config to replay the traffic through\.$/],
      [['--config', config], /^portcullis replay: give a HAR or NDJSON file to read\.$/],
      [[traffic, 'other.har', '--config', config], /^portcullis replay: one file only, got "other.har" too\.$/],
      [[traffic, '--config', config, '--format', 'yaml'], /^Unknown --format "yaml": use text, json\.$/],
      [[traffic, '--config'], /^Option '--config <value>' argument missing\.$/],
      [[traffic, '--config', config, '--progress', '--no-progress'], /^Give --progress or --no-progress, not both\.$/],
      [[traffic, '--config', config, '--fail-on-block=yes'], /^Option '--fail-on-block' does not take an argument\.$/],
    ]
    for (const [args, message] of cases) {
      const run = await replay(...args)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.error).toHaveLength(1)
      expect(run.error[0]).toMatch(message)
    }
    const help = await replay('--help')
    expect(help.code).toBe(0)
    expect(help.stderr()).toContain(
      'portcullis replay FILE --config portcullis.yaml [--format text|json] [--fail-on-block]',
    )
    const listed = captureIo()
    await runCli([], listed.io)
    expect(listed.stderr()).toContain('replay FILE --config C')
  })
})
