import { existsSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Listening, listen, rawHttp } from '@portcullis/testing'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHotelApp, demoAdminToken } from '../src/app'
import { demoKeys } from '../src/demo-keys'
import { startHotelServices } from '../src/services/service-servers'

// The dashboard in headless Chromium (Debian's, installed by .ci/run) against the hotel demo.
const chromiumPath = '/usr/bin/chromium'
const browserMissing = !existsSync(chromiumPath)
if (browserMissing && process.env.PORTCULLIS_REQUIRE_BROWSER === '1')
  throw new Error(`${chromiumPath} is missing: .ci/run installs it (apt-get install chromium)`)
if (browserMissing) console.warn(`SKIPPED: the dashboard browser tests need ${chromiumPath} (apt-get install chromium)`)

const services = await startHotelServices()
const hotel = createHotelApp(services)
const token = demoAdminToken()
let server: Listening
let browser: Browser
const consoleProblems: string[] = []

beforeAll(async () => {
  await hotel.gateway.engine.ready()
  server = await listen(hotel.app)
  await sampleTraffic(server.url)
  if (browserMissing) return
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await hotel.gateway.close()
  await services.close()
})

/** A little of everything: public reads, a booking, refusals. */
async function sampleTraffic(url: string): Promise<void> {
  const partner = { 'x-api-key': demoKeys.partner, 'content-type': 'application/json' }
  const booking = JSON.stringify({ hotel: 'h1', roomType: 'double', checkIn: '2026-12-24', nights: 2, guest: 'Ada' })
  for (let i = 0; i < 3; i++) {
    await rawHttp(url, { target: '/api/v1/hotels' })
    await rawHttp(url, { target: `/api/v1/hotels/h${i + 1}/dates` })
    await rawHttp(url, { target: `/api/v1/hotels/h${i + 1}/prices?date=2026-12-2${i}` })
  }
  await rawHttp(url, { target: '/api/v1/room-types' })
  await rawHttp(url, { method: 'POST', target: '/api/v1/bookings', headers: partner, body: booking })
  await rawHttp(url, { method: 'POST', target: '/api/v1/bookings' })
  // Discovery learns from the finished responses, just after they are sent.
  await new Promise((resolve) => setTimeout(resolve, 50))
}

async function openDashboard(): Promise<Page> {
  const page = await browser.newPage()
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') consoleProblems.push(message.text())
  })
  page.on('pageerror', (error) => consoleProblems.push(error.message))
  page.on('requestfailed', (request) => consoleProblems.push(`${request.url()} failed`))
  await page.goto(`${server.url}/_portcullis/#token=${token}`)
  await page.locator('table.endpoints').waitFor()
  return page
}

const row = (page: Page, endpoint: string) => page.locator(`tr[data-endpoint="${endpoint}"]`)

describe.skipIf(browserMissing)('dashboard in Chromium', () => {
  let page: Page

  it('loads without console errors and shows the endpoints discovered from the traffic', async () => {
    page = await openDashboard()
    // The token left the address bar (it lives in this tab's session storage).
    expect(page.url()).not.toContain(token)
    await expect(row(page, 'GET /api/v1/hotels').locator('td').nth(2).textContent()).resolves.toBe('3')
    for (const endpoint of ['GET /api/v1/hotels/{hotelId}/dates', 'POST /api/v1/bookings', 'GET /api/v1/room-types'])
      expect(await row(page, endpoint).count()).toBe(1)
    expect(await page.locator('.badge.health-ok').textContent()).toContain('Healthy')
    expect(consoleProblems).toEqual([])
  })

  it('renders the request and latency charts, with their data as tables', async () => {
    const requests = page.locator('svg[data-chart="Requests per minute"] rect')
    const latency = page.locator('svg[data-chart="Latency histogram (ms)"] rect')
    expect(await requests.count()).toBeGreaterThan(0)
    expect(await latency.count()).toBeGreaterThan(1)
    const heights = await latency.evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('height'))))
    expect(Math.max(...heights)).toBeGreaterThan(10)
    expect(await page.locator('svg[data-chart="Requests per minute"]').getAttribute('aria-label')).toMatch(/requests/)
    const shot = join(mkdtempSync(join(tmpdir(), 'portcullis-dashboard-')), 'dashboard.png')
    await page.screenshot({ path: shot, fullPage: true })
    expect(statSync(shot).size).toBeGreaterThan(10_000)
  })

  it('saves and ignores endpoints, and the decisions survive a reload', async () => {
    await row(page, 'GET /api/v1/hotels').getByRole('button', { name: 'Save GET /api/v1/hotels' }).click()
    await page.locator('tr[data-endpoint="GET /api/v1/hotels"][data-review="saved"]').waitFor()
    // By keyboard: focus the Ignore button and press Enter.
    const ignore = row(page, 'POST /api/v1/bookings').getByRole('button', { name: 'Ignore POST /api/v1/bookings' })
    await ignore.focus()
    await page.keyboard.press('Enter')
    await page.locator('tr[data-endpoint="POST /api/v1/bookings"][data-review="ignored"]').waitFor()
    await page.reload()
    await page.locator('table.endpoints').waitFor()
    expect(await row(page, 'GET /api/v1/hotels').getAttribute('data-review')).toBe('saved')
    expect(await row(page, 'POST /api/v1/bookings').getAttribute('data-review')).toBe('ignored')
    expect(await row(page, 'GET /api/v1/room-types').getAttribute('data-review')).toBe('new')
    expect(
      await row(page, 'GET /api/v1/hotels')
        .getByRole('button', { name: 'Save GET /api/v1/hotels' })
        .getAttribute('aria-pressed'),
    ).toBe('true')
    // The same state through the admin API: it lives in the store, not in the page.
    const api = await rawHttp(server.url, {
      target: '/_portcullis/api/endpoints',
      headers: { authorization: `Bearer ${token}` },
    })
    const reviews = (api.json as { endpoints: { method: string; template: string; review: string }[] }).endpoints
    expect(reviews.find((endpoint) => endpoint.template === '/api/v1/hotels')?.review).toBe('saved')
  })

  it('shows the schema diff against openapi.yaml and the quota usage of a consumer', async () => {
    const zombie = page.locator('#diff-heading ~ .diff .diff-column').nth(1)
    expect(await zombie.locator('h3').textContent()).toContain('Zombie')
    await page.getByLabel('Consumer').fill('acme-travel')
    await page.getByLabel('Groups (plans), comma-separated').fill('partners')
    await page.getByRole('button', { name: 'Look up' }).click()
    const usage = page.locator('caption', { hasText: 'Quota usage of acme-travel' })
    await usage.waitFor()
    const used = await page.locator('table.compact tr', { hasText: 'monthly' }).locator('td').nth(1).textContent()
    expect(Number(used)).toBeGreaterThan(0)
    await page.getByRole('button', { name: 'Reset monthly for acme-travel' }).click()
    await page.waitForFunction(() =>
      [...document.querySelectorAll('table.compact tr')].some(
        (tr) => tr.textContent?.includes('monthly') && tr.querySelectorAll('td')[1]?.textContent === '0',
      ),
    )
  })

  it('labels every control, and asks for the token again when it is wrong', async () => {
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('button, input, select')]
        .filter((control) => {
          const element = control as HTMLElement
          const label = element.getAttribute('aria-label') ?? element.textContent?.trim() ?? ''
          const labelled = (element as HTMLInputElement).labels?.length ?? 0
          return label === '' && labelled === 0
        })
        .map((control) => control.outerHTML),
    )
    expect(unlabelled).toEqual([])
    const fresh = await browser.newPage()
    await fresh.goto(`${server.url}/_portcullis/#token=not-the-token`)
    await fresh.getByRole('alert').waitFor()
    expect(await fresh.getByRole('alert').textContent()).toContain('not accepted')
    await fresh.getByLabel('Admin token').fill(token)
    await fresh.getByRole('button', { name: 'Open' }).click()
    await fresh.locator('table.endpoints').waitFor()
    await fresh.close()
    expect(consoleProblems.filter((text) => !text.includes('401'))).toEqual([])
  })
})
