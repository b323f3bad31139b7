import { describe, expect, it } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { useFixture } from './helpers'

const spoofed = { 'x-forwarded-for': '198.51.100.7', 'x-real-ip': '198.51.100.7', forwarded: 'for=198.51.100.7' }

/** Client IP: forwarding headers count only from trusted proxies; spoofed ones never reach the app. */
export function clientIpCases(adapter: AdapterFixture): void {
  describe('client IP from an untrusted peer', () => {
    const app = useFixture(adapter, { trustedProxies: ['10.0.0.0/8'] })

    it('uses the socket address and strips the forwarding headers', async () => {
      const echo = (await rawHttp(app.url, { target: '/users/7', headers: spoofed })).json as EchoBody
      expect(echo.ip).toBe('127.0.0.1')
      expect(echo.headers['x-forwarded-for']).toBeUndefined()
      expect(echo.headers['x-real-ip']).toBeUndefined()
      expect(echo.headers.forwarded).toBeUndefined()
    })
  })

  describe('client IP behind a trusted proxy', () => {
    const app = useFixture(adapter, { trustedProxies: ['loopback'] })

    it('takes the first untrusted address from the right of X-Forwarded-For', async () => {
      const headers = { 'x-forwarded-for': '203.0.113.50, 198.51.100.7, 127.0.0.3' }
      const echo = (await rawHttp(app.url, { target: '/users/7', headers })).json as EchoBody
      expect(echo.ip).toBe('198.51.100.7')
      expect(echo.headers['x-forwarded-for']).toBe(headers['x-forwarded-for'])
    })

    it('normalises an IPv4-mapped forwarded address', async () => {
      const echo = (
        await rawHttp(app.url, { target: '/users/7', headers: { 'x-forwarded-for': '::ffff:198.51.100.9' } })
      ).json as EchoBody
      expect(echo.ip).toBe('198.51.100.9')
    })
  })

  describe('client IP from RFC 7239 Forwarded', () => {
    const app = useFixture(adapter, { trustedProxies: { trust: 'loopback', header: 'forwarded' } })

    it('reads for= from Forwarded and ignores X-Forwarded-For', async () => {
      const headers = { forwarded: 'for="[2001:db8::7]:443";proto=https', 'x-forwarded-for': '203.0.113.1' }
      const echo = (await rawHttp(app.url, { target: '/users/7', headers })).json as EchoBody
      expect(echo.ip).toBe('2001:db8::7')
    })
  })
}
