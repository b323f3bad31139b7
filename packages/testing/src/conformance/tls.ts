import { describe, expect, it } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { createTestPki, type TestPki } from '../pki'
import { rawHttp } from '../raw-http'
import { useFixture } from './helpers'

/** TLS: the request view carries what the TLS layer verified about the client certificate. */
export function tlsCases(adapter: AdapterFixture): void {
  describe('TLS client certificates', () => {
    let pki: TestPki
    const app = useFixture(
      adapter,
      async () => {
        pki = await createTestPki()
        return {}
      },
      () => ({
        tls: {
          cert: pki.server.cert,
          key: pki.server.key,
          ca: pki.ca.cert,
          requestCert: true,
          rejectUnauthorized: false,
        },
      }),
    )

    it('reports a certificate the server CA verified', async () => {
      const client = await pki.client('billing-service')
      const response = await rawHttp(app.url, {
        target: '/users/7',
        tls: { ca: pki.ca.cert, cert: client.cert, key: client.key },
      })
      expect((response.json as EchoBody).tls).toEqual({ authorized: true, subject: 'CN=billing-service' })
    })

    it('reports an untrusted certificate as not authorized', async () => {
      const client = await pki.untrustedClient('intruder')
      const response = await rawHttp(app.url, {
        target: '/users/7',
        tls: { ca: pki.ca.cert, cert: client.cert, key: client.key },
      })
      expect((response.json as EchoBody).tls).toEqual({ authorized: false, subject: 'CN=intruder' })
    })

    it('reports a connection without a certificate as not authorized', async () => {
      const response = await rawHttp(app.url, { target: '/users/7', tls: { ca: pki.ca.cert } })
      expect((response.json as EchoBody).tls).toEqual({ authorized: false, subject: undefined })
    })
  })
}
