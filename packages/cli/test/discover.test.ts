import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEngine } from '@portcullis/core'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { runCli } from '../src/run-cli'
import { captureIo, hotelHar } from './capture-io'

const har = JSON.parse(readFileSync(hotelHar, 'utf8')) as { log: { entries: { request: { url: string } }[] } }
const tmp = mkdtempSync(join(tmpdir(), 'portcullis-discover-'))
const engines: { close(): Promise<void> }[] = []
afterAll(async () => {
  for (const engine of engines) await engine.close()
})

interface Listed {
  method: string
  template: string
  requests: number
  statuses: Record<string, number>
  sessions: number
}

async function discover(...args: string[]) {
  const run = captureIo()
  const code = await runCli(['discover', ...args], run.io)
  return { ...run, code }
}

describe('portcullis discover', () => {
  it('infers the hotel API from the HAR: one endpoint per route, no hotel ids as templates', async () => {
    const run = await discover(hotelHar)
    expect(run.code).toBe(0)
    const document = parse(run.stdout()) as { openapi: string; info: { title: string }; paths: Record<string, object> }
    expect(document.openapi).toBe('3.1.0')
    const paths = Object.keys(document.paths)
    expect(paths.filter((path) => /^\/api\/v1\/hotels\/[^/]+\/prices$/.test(path))).toEqual([
      '/api/v1/hotels/{var1}/prices',
    ])
    expect(paths.filter((path) => /^\/api\/v1\/hotels\/[^/]+\/dates$/.test(path))).toEqual([
      '/api/v1/hotels/{var1}/dates',
    ])
    expect(paths).toContain('/api/v1/bookings/{var1}')
    expect(paths.some((path) => /\/h\d+(\/|$)/.test(path))).toBe(false)
    // Shapes and names are learned, never values: no client id, guest name or date.
    expect(run.stdout()).not.toMatch(/mobile-|scraper-|Lovelace|2026-\d\d-\d\d|redacted/)
    expect(run.stderr()).toBe(`Learned 6 endpoints from ${har.log.entries.length} requests (HAR).`)
  })

  it('prints a document the OpenAPI parser accepts', async () => {
    const run = await discover(hotelHar, '--title', 'Hotel API, as seen')
    const document = parse(run.stdout()) as Record<string, unknown>
    expect(document.info).toEqual({ title: 'Hotel API, as seen', version: '0.0.0' })
    // The gateway loads an `openapi` document through @readme/openapi-parser, and refuses an invalid one.
    const engine = createEngine({ openapi: document })
    engines.push(engine)
    await expect(engine.ready()).resolves.toBeUndefined()
  })

  it('lists the endpoints with their counts as JSON', async () => {
    const run = await discover(hotelHar, '--format', 'json', '--session-header', 'X-Client-Id')
    expect(run.code).toBe(0)
    const endpoints = JSON.parse(run.stdout()) as Listed[]
    const prices = endpoints.find((endpoint) => endpoint.template === '/api/v1/hotels/{var1}/prices')
    const inHar = har.log.entries.filter((entry) => new URL(entry.request.url).pathname.endsWith('/prices'))
    expect(prices).toMatchObject({ method: 'GET', requests: inHar.length, sessions: 83 })
    // Scrapers asking for hotels that do not exist.
    expect(prices?.statuses['4xx']).toBeGreaterThan(50)
    expect(endpoints.reduce((sum, endpoint) => sum + endpoint.requests, 0)).toBe(har.log.entries.length)
    expect(endpoints.map((endpoint) => `${endpoint.method} ${endpoint.template}`)).toContain('POST /api/v1/bookings')
  })

  it('reads NDJSON access logs with the usual field names, and skips malformed lines', async () => {
    const lines = [
      { method: 'GET', path: '/v2/users/1001', status: 200, duration_ms: 3, time: '2026-03-02T10:00:00Z' },
      { method: 'get', url: 'https://api.example/v2/users/1002?fields=name', status: '200', time: 1772445600000 },
      { method: 'GET', uri: '/v2/users/1003/orders?page=2', status: 200, latency_ms: 9, timestamp: 1772445601 },
      { request: 'GET /v2/users/1004 HTTP/1.1', status: 404, response_time: 1, time: '2026-03-02T10:00:02Z' },
      { method: 'POST', path: '/v2/users', status: 201, durationMs: 12, time: '2026-03-02T10:00:03Z' },
      { method: 'GET', path: '/v2/users/me', status: 200, time: '2026-03-02T10:00:04Z', headers: { 'X-Session': 'a' } },
    ]
    const text = [
      ...lines.map((line) => JSON.stringify(line)),
      '{"method":"GET","path":"/v2/users/1005"',
      '',
      JSON.stringify({ method: 'GET', path: '/v2/users/1006', time: '2026-03-02T10:00:05Z' }),
      '[1, 2]',
    ].join('\n')
    const file = join(tmp, 'access.ndjson')
    writeFileSync(file, text)
    const run = await discover(file, '--format', 'json')
    expect(run.code).toBe(0)
    const endpoints = (JSON.parse(run.stdout()) as Listed[]).map((e) => [`${e.method} ${e.template}`, e.requests])
    expect(endpoints).toEqual(
      expect.arrayContaining([
        ['GET /v2/users/{var1}', 3],
        ['GET /v2/users/{var1}/orders', 1],
        ['POST /v2/users', 1],
        ['GET /v2/users/me', 1],
      ]),
    )
    expect(run.error).toEqual([
      `Skipped 3 of 9 lines in ${file}: line 7: not JSON; line 9: no status; line 10: not a JSON object.`,
      'Learned 4 endpoints from 6 requests (NDJSON).',
    ])
  })

  it('refuses a missing, unreadable or malformed file with exit code 1 and one line', async () => {
    const notJson = join(tmp, 'notes.txt')
    writeFileSync(notJson, 'GET /hotels 200\nGET /hotels/h1 200\n')
    const truncated = join(tmp, 'truncated.har')
    writeFileSync(truncated, '{\n  "log": {\n    "version": "1.2",\n    "entries": [\n      {"startedDateTime": "2026-')
    const noEntries = join(tmp, 'no-entries.json')
    writeFileSync(noEntries, '{"log": {"version": "1.2"}}')
    const unanswered = join(tmp, 'unanswered.har')
    const entry = { startedDateTime: '2026-03-02T10:00:00Z', request: { method: 'GET', url: 'http://x/a' } }
    writeFileSync(unanswered, JSON.stringify({ log: { entries: [entry, { ...entry, response: { status: 0 } }] } }))
    const empty = join(tmp, 'empty.ndjson')
    writeFileSync(empty, '\n\n')
    const cases: [string, RegExp][] = [
      [join(tmp, 'missing.har'), /^Cannot read .*missing\.har: no such file\.$/],
      [tmp, /^Cannot read .*: it is a directory\.$/],
      [notJson, /^.*notes\.txt is neither a HAR file nor NDJSON access logs\.$/],
      [truncated, /^.*truncated\.har is neither a HAR file nor NDJSON access logs \(as HAR: .*\)\.$/],
      [noEntries, /^.*no-entries\.json is JSON but not a HAR file: it has no log\.entries\.$/],
      [unanswered, /^No usable requests in .*: 2 entries, none usable \(entry 1: no response status; entry 2: .*\)\.$/],
      [empty, /^.*empty\.ndjson is empty\.$/],
    ]
    for (const [file, message] of cases) {
      const run = await discover(file)
      expect(run.code, file).toBe(1)
      expect(run.error, file).toHaveLength(1)
      expect(run.error[0]).toMatch(message)
      expect(run.out).toEqual([])
    }
  })

  it('refuses bad usage with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /^portcullis discover: give a HAR or NDJSON file to read\.$/],
      [[hotelHar, 'other.har'], /^portcullis discover: one file only, got "other.har" too\.$/],
      [[hotelHar, '--format', 'yaml'], /^Unknown --format "yaml": use openapi, json\.$/],
      [[hotelHar, '--frobnicate'], /^Unknown option '--frobnicate'\.$/],
      [[hotelHar, '--title'], /^Option '--title <value>' argument missing\.$/],
      [[hotelHar, '--session-header', 'x client'], /is not an HTTP header name\.$/],
    ]
    for (const [args, message] of cases) {
      const run = await discover(...args)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.error).toHaveLength(1)
      expect(run.error[0]).toMatch(message)
    }
    const help = await discover('--help')
    expect(help.code).toBe(0)
    expect(help.stderr()).toContain('portcullis discover FILE [--format openapi|json]')
  })
})
