import { describe, expect, it } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { rawHttp } from '../raw-http'
import { useFixture } from './helpers'

const ambiguous: [string, string][] = [
  ['http://169.254.169.254/latest/meta-data', 'request.target_form'],
  ['/users/..%2Fadmin', 'request.path_encoded_separator'],
  ['/users/..%5Cadmin', 'request.path_encoded_separator'],
  ['/users/%00', 'request.path_control_character'],
  ['/users/7%0d%0aX-Injected:%201', 'request.path_control_character'],
  ['/users;jsessionid=1/7', 'request.path_parameter'],
  ['/users/%252e%252e/admin', 'request.path_double_encoding'],
  ['/users/%zz', 'request.path_invalid_encoding'],
  ['/users/%C3', 'request.path_invalid_encoding'],
]

/** One canonical path: ambiguous forms refused with 400, the rest made canonical before the app sees them. */
export function canonicalPathCases(adapter: AdapterFixture): void {
  describe('canonical paths', () => {
    const app = useFixture(adapter, {})

    it.each(ambiguous)('refuses %s with 400 %s', async (target, code) => {
      const response = await rawHttp(app.url, { target })
      expect(response.status).toBe(400)
      expect(response.headers['content-type']).toBe('application/problem+json')
      expect((response.json as { code: string }).code).toBe(code)
    })

    it.each([
      ['/public/../users/7', '/users/7'],
      ['/users/%2e%2e/users/7', '/users/7'],
      ['/users/./%37', '/users/7'],
      ['/users/7?q=a/../b&x=%2F', '/users/7?q=a/../b&x=%2F'],
    ])('hands the app %s as %s', async (target, seen) => {
      const response = await rawHttp(app.url, { target })
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).url).toBe(seen)
    })

    it('merges repeated slashes (an adapter that cannot rewrite redirects with 308)', async () => {
      const first = await rawHttp(app.url, { target: '//users//7?x=1' })
      if (adapter.rewritesTarget) {
        expect(first.status).toBe(200)
        expect((first.json as EchoBody).url).toBe('/users/7?x=1')
        return
      }
      expect(first.status).toBe(308)
      expect(first.headers.location).toBe('/users/7?x=1')
      expect(first.headers['x-request-id']).toBeTruthy()
      const followed = await rawHttp(app.url, { target: first.headers.location as string })
      expect((followed.json as EchoBody).url).toBe('/users/7?x=1')
    })

    it('resolves dot segments the way URL parsers do, so the app serves what was checked', async () => {
      const response = await rawHttp(app.url, { target: '/admin//../users/7' })
      // RFC 3986: "//.." removes the empty segment, leaving /admin/users/7, never /users/7.
      const final =
        response.status === 308 ? await rawHttp(app.url, { target: response.headers.location as string }) : response
      expect((final.json as EchoBody).url).toBe('/admin/users/7')
    })
  })
}
