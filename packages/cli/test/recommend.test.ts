import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEngine, type GatewayConfig } from '@portcullis/core'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { runCli } from '../src/run-cli'
import { captureIo, harPeaks, hotelHar } from './capture-io'

const har = JSON.parse(readFileSync(hotelHar, 'utf8'))
const tmp = mkdtempSync(join(tmpdir(), 'portcullis-recommend-'))

interface Limit {
  method: string
  template: string
  sessions: number
  outliers: number
  p99: number
  smallestOutlier: number | null
  limit: number | null
  confidence: number | null
}

async function recommend(...args: string[]) {
  const run = captureIo()
  const code = await runCli(['recommend', ...args], run.io)
  return { ...run, code }
}

describe('portcullis recommend', () => {
  it('recommends a prices limit above the app sessions and below the scrapers', async () => {
    const run = await recommend(hotelHar, '--session-header', 'x-client-id', '--format', 'json')
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout()) as { endpoints: Limit[]; rateLimits: unknown[] }
    const prices = report.endpoints.find((e) => e.template === '/api/v1/hotels/{var1}/prices') as Limit
    // Counted from the HAR here, independently of discovery.
    const peaks = harPeaks(har, /^\/api\/v1\/hotels\/[^/]+\/prices$/, 600_000)
    const app = [...peaks].filter(([client]) => client.startsWith('mobile-')).map(([, peak]) => peak)
    const scrapers = [...peaks].filter(([client]) => client.startsWith('scraper-')).map(([, peak]) => peak)
    const appP99 = app.sort((a, b) => a - b)[Math.ceil(0.99 * app.length) - 1] as number
    expect(scrapers).toHaveLength(3)
    expect(prices).toMatchObject({ sessions: 83, outliers: 3, p99: appP99, smallestOutlier: Math.min(...scrapers) })
    expect(prices.limit).toBeGreaterThan(appP99)
    expect(prices.limit).toBeLessThan(Math.min(...scrapers))
    expect(prices.confidence).toBeGreaterThan(0.3)
    // Below 50 sessions: the numbers, but no limit.
    const bookings = report.endpoints.find((e) => e.method === 'POST') as Limit
    expect(bookings).toMatchObject({ template: '/api/v1/bookings', limit: null, confidence: null })
    expect(report.rateLimits).toHaveLength(report.endpoints.filter((e) => e.limit !== null).length)
    // Sessions are hashed: no raw client id in the output.
    expect(run.stdout()).not.toMatch(/mobile-|scraper-/)
  })

  it('prints an aligned table by default', async () => {
    const run = await recommend(hotelHar, '--session-header', 'x-client-id')
    expect(run.code).toBe(0)
    const [title, heading, ...rows] = run.out
    expect(title).toBe('Peak requests per session (x-client-id) per 10m window; outliers are left out of p50 to max.')
    expect(heading).toMatch(/^ENDPOINT +SESSIONS +P50 +P90 +P99 +MAX +OUTLIERS +LIMIT +CONFIDENCE$/)
    expect(rows[0]).toMatch(/^GET \/api\/v1\/hotels\/\{var1\}\/prices +83 +\d+ +\d+ +\d+ +\d+ +3 +\d+ +0\.\d\d$/)
    // Right-aligned: every row ends where the heading does.
    const width = (heading as string).length
    for (const row of rows.filter((r) => r.startsWith('GET') || r.startsWith('POST'))) expect(row).toHaveLength(width)
    expect(run.out.at(-1)).toMatch(/^-: fewer than 50 normal sessions/)
  })

  it('prints report-mode rules as YAML the gateway accepts', async () => {
    const run = await recommend(hotelHar, '--session-header', 'X-Client-Id', '--format', 'yaml')
    expect(run.code).toBe(0)
    const json = await recommend(hotelHar, '--session-header', 'x-client-id', '--format', 'json')
    const limit = (JSON.parse(json.stdout()) as { endpoints: Limit[] }).endpoints[0]?.limit
    expect(run.out).toContain(
      `  - { name: recommended-get-api-v1-hotels-x-prices, match: "GET /api/v1/hotels/*/prices", by: { header: x-client-id }, limit: ${limit}, window: 10m, mode: report }`,
    )
    const config = parse(run.stdout()) as { rateLimits: GatewayConfig['rateLimits'] }
    expect(config.rateLimits).toHaveLength(3)
    const engine = createEngine({ rateLimits: config.rateLimits })
    await engine.ready()
    await engine.close()
  })

  it('reads NDJSON, counts only requests with the session header, and takes the window and gate', async () => {
    const lines: string[] = []
    const at = Date.parse('2026-03-02T10:00:00Z')
    for (let user = 1; user <= 12; user++) {
      for (let i = 0; i < 1 + (user % 3); i++) {
        const time = new Date(at + user * 20_000 + i * 1000).toISOString()
        lines.push(
          JSON.stringify({
            method: 'GET',
            path: `/items/${100 + i}`,
            status: 200,
            time,
            headers: { 'X-User': `u${user}` },
          }),
        )
      }
    }
    for (let i = 0; i < 40; i++) {
      const time = at + i * 500
      lines.push(
        JSON.stringify({ method: 'GET', path: `/items/${200 + i}`, status: 200, time, headers: { 'x-user': 'bot' } }),
      )
      lines.push(JSON.stringify({ method: 'GET', path: `/items/${300 + i}`, status: 200, time }))
    }
    const file = join(tmp, 'items.ndjson')
    writeFileSync(file, lines.join('\n'))
    const run = await recommend(
      file,
      '--session-header',
      'x-user',
      '--min-sessions',
      '10',
      '--window',
      '1m',
      '--format',
      'json',
    )
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout()) as { window: string; endpoints: Limit[] }
    expect(report.window).toBe('1m')
    expect(report.endpoints).toEqual([
      expect.objectContaining({ template: '/items/{var1}', sessions: 13, outliers: 1, p99: 3, smallestOutlier: 40 }),
    ])
    expect(report.endpoints[0]?.limit).toBeGreaterThanOrEqual(4)
    expect(report.endpoints[0]?.limit).toBeLessThan(40)
    const noGate = await recommend(file, '--session-header', 'x-user', '--format', 'json')
    expect((JSON.parse(noGate.stdout()) as { endpoints: Limit[] }).endpoints[0]?.limit).toBeNull()
    const nobody = await recommend(file, '--session-header', 'x-other', '--format', 'yaml')
    expect(nobody.code).toBe(0)
    expect(nobody.out.at(-1)).toBe('rateLimits: []')
    expect(nobody.error).toEqual([`No request in ${file} carries the x-other header: no sessions to learn from.`])
  })

  it('refuses bad usage with exit code 2, and a bad file with 1', async () => {
    const cases: [string[], number, RegExp][] = [
      [[hotelHar], 2, /^portcullis recommend needs --session-header NAME: the header that tells sessions apart\.$/],
      [[hotelHar, '--session-header', 'x-client-id', '--window', 'soon'], 2, /^--window must be a duration/],
      [[hotelHar, '--session-header', 'x-client-id', '--window', '0s'], 2, /^--window must be a duration/],
      [
        [hotelHar, '--session-header', 'x-client-id', '--headroom', '0.5'],
        2,
        /^--headroom must be a number of at least 1/,
      ],
      [[hotelHar, '--session-header', 'x-client-id', '--min-sessions', '2.5'], 2, /^--min-sessions must be an integer/],
      [
        [hotelHar, '--session-header', 'x-client-id', '--format', 'csv'],
        2,
        /^Unknown --format "csv": use table, json, yaml\.$/,
      ],
      [['--session-header', 'x-client-id'], 2, /^portcullis recommend: give a HAR or NDJSON file to read\.$/],
      [[join(tmp, 'nope.har'), '--session-header', 'x-client-id'], 1, /^Cannot read .*nope\.har: no such file\.$/],
    ]
    for (const [args, code, message] of cases) {
      const run = await recommend(...args)
      expect(run.code, args.join(' ')).toBe(code)
      expect(run.error).toHaveLength(1)
      expect(run.error[0]).toMatch(message)
      expect(run.out).toEqual([])
    }
  })
})
