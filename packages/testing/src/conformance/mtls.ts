import { X509Certificate } from 'node:crypto'
import { hashApiKey } from '@portcullis/core'
import { describe, expect, it } from 'vitest'
import type { AdapterFixture, EchoBody } from '../adapters/fixture'
import { createTestPki, type KeyPairPem, type TestPki } from '../pki'
import { rawHttp } from '../raw-http'
import { useFixture } from './helpers'

const problem = (json: unknown) => json as { code?: string; reason?: string }

/** The three ways TLS terminators forward a client certificate, for one certificate. */
function forwardedHeaders(certificate: KeyPairPem): Record<'xfcc' | 'nginx' | 'rfc9440', Record<string, string>> {
  const der = new X509Certificate(certificate.cert).raw
  return {
    xfcc: {
      'x-forwarded-client-cert': `By=spiffe://gateway;Hash=abc;Cert="${encodeURIComponent(certificate.cert)}";Subject="CN=ignored"`,
    },
    nginx: { 'x-ssl-client-cert': encodeURIComponent(certificate.cert) },
    rfc9440: { 'client-cert': `:${der.toString('base64')}:` },
  }
}

/** Mutual TLS on every adapter: on the TLS socket itself, and forwarded by a trusted TLS terminator. */
export function mtlsCases(adapter: AdapterFixture): void {
  describe('mutual TLS on the socket', () => {
    let pki: TestPki
    const app = useFixture(
      adapter,
      async () => {
        pki = await createTestPki()
        return {
          auth: { mtls: { ca: pki.ca.cert, groups: ['services'] } },
          acl: [{ match: '/**', allow: ['services'] }],
        }
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
    const call = (client: KeyPairPem | undefined) =>
      rawHttp(app.url, {
        target: '/users/7',
        tls: { ca: pki.ca.cert, ...(client === undefined ? {} : { cert: client.cert, key: client.key }) },
      })

    it('accepts a client certificate from the configured CA and names the consumer by its CN', async () => {
      const response = await call(await pki.client('billing-service'))
      expect(response.status).toBe(200)
      expect((response.json as EchoBody).principal).toMatchObject({
        consumer: 'billing-service',
        groups: ['services'],
        credential: 'mtls',
      })
    })

    it('refuses a connection without a certificate', async () => {
      const response = await call(undefined)
      expect(response.status).toBe(403)
      expect(problem(response.json).code).toBe('mtls.certificate_required')
    })

    it('refuses a certificate from another CA, an expired one, and one without clientAuth', async () => {
      const otherCa = await call(await pki.untrustedClient('intruder'))
      expect([otherCa.status, problem(otherCa.json).code, problem(otherCa.json).reason]).toEqual([
        403,
        'mtls.certificate_rejected',
        'untrusted',
      ])
      const expired = await call(
        await pki.client('old', {
          notBefore: new Date(Date.now() - 7_200_000),
          notAfter: new Date(Date.now() - 3_600_000),
        }),
      )
      expect([expired.status, problem(expired.json).reason]).toEqual([403, 'expired'])
      const serverOnly = await call(await pki.client('not-a-client', { extendedKeyUsage: 'serverAuth' }))
      expect([serverOnly.status, problem(serverOnly.json).reason]).toEqual([403, 'no_client_auth'])
    })
  })

  describe('mutual TLS forwarded by a trusted proxy', () => {
    let pki: TestPki
    let client: KeyPairPem
    const formats = ['xfcc', 'nginx', 'rfc9440'] as const
    const apps = formats.map((format) =>
      useFixture(adapter, async () => {
        pki ??= await createTestPki()
        client ??= await pki.client('billing-service', { uris: ['spiffe://acme/billing'] })
        return {
          trustedProxies: ['loopback'],
          auth: { mtls: { ca: pki.ca.cert, forwarded: { format }, consumer: 'san.uri' as const } },
          acl: [{ match: '/**', allow: ['authenticated'] }],
        }
      }),
    )

    it.each(formats.map((format, index) => [format, index] as const))(
      'reads %s and gives the same identity',
      async (format, index) => {
        const response = await rawHttp((apps[index] as (typeof apps)[number]).url, {
          target: '/users/7',
          headers: forwardedHeaders(client)[format],
        })
        expect(response.status).toBe(200)
        expect((response.json as EchoBody).principal).toMatchObject({
          consumer: 'spiffe://acme/billing',
          credential: 'mtls',
        })
      },
    )

    it('verifies a forwarded certificate again: one from another CA is refused', async () => {
      const intruder = await pki.untrustedClient('intruder')
      const response = await rawHttp((apps[1] as (typeof apps)[number]).url, {
        target: '/users/7',
        headers: forwardedHeaders(intruder).nginx,
      })
      expect(response.status).toBe(403)
      expect(problem(response.json).reason).toBe('untrusted')
    })

    it('refuses a forwarded header that cannot be read', async () => {
      const response = await rawHttp((apps[2] as (typeof apps)[number]).url, {
        target: '/users/7',
        headers: { 'client-cert': ':not base64!:' },
      })
      expect(response.status).toBe(403)
      expect(problem(response.json).reason).toBe('malformed')
    })
  })

  describe('mutual TLS together with an API key (allOf)', () => {
    let pki: TestPki
    let client: KeyPairPem
    const apiKey = 'pk_mtls_and_key_5mQ2'
    const app = useFixture(adapter, async () => {
      pki = await createTestPki()
      client = await pki.client('partner-gateway')
      return {
        trustedProxies: ['loopback'],
        auth: {
          mtls: { ca: pki.ca.cert, forwarded: { format: 'nginx' as const } },
          apiKeys: { keys: [{ id: 'k', hash: await hashApiKey(apiKey), consumer: 'acme', groups: ['partners'] }] },
          routes: [{ match: '/partner/**', allOf: ['mtls' as const, 'apiKeys' as const] }],
        },
      }
    })

    it('needs both credentials, and names the caller by the key with the certificate attached', async () => {
      const both = await rawHttp(app.url, {
        target: '/partner/orders',
        headers: { ...forwardedHeaders(client).nginx, 'x-api-key': apiKey },
      })
      expect(both.status).toBe(200)
      expect((both.json as EchoBody).principal).toEqual({
        consumer: 'acme',
        groups: ['partners'],
        scopes: [],
        credential: 'mtls+api-key',
      })
      const keyOnly = await rawHttp(app.url, { target: '/partner/orders', headers: { 'x-api-key': apiKey } })
      expect([keyOnly.status, problem(keyOnly.json).code]).toEqual([403, 'mtls.certificate_required'])
      const certificateOnly = await rawHttp(app.url, {
        target: '/partner/orders',
        headers: forwardedHeaders(client).nginx,
      })
      expect([certificateOnly.status, problem(certificateOnly.json).code]).toEqual([401, 'auth.credentials_missing'])
    })
  })

  describe('forwarded certificates from an untrusted peer', () => {
    let pki: TestPki
    let client: KeyPairPem
    const app = useFixture(adapter, async () => {
      pki = await createTestPki()
      client = await pki.client('billing-service')
      return {
        trustedProxies: ['10.0.0.0/8'],
        auth: { mtls: { ca: pki.ca.cert, forwarded: { format: 'xfcc' as const } } },
        acl: [
          { match: 'GET /users/**', allow: ['anonymous'] },
          { match: '/**', allow: ['authenticated'] },
        ],
      }
    })

    it('ignores the header and strips it, so the app cannot be fooled either', async () => {
      const denied = await rawHttp(app.url, { target: '/private', headers: forwardedHeaders(client).xfcc })
      expect(denied.status).toBe(403)
      expect(problem(denied.json).code).toBe('mtls.certificate_required')
      const passed = await rawHttp(app.url, { target: '/users/7', headers: forwardedHeaders(client).xfcc })
      expect(passed.status).toBe(200)
      expect((passed.json as EchoBody).headers['x-forwarded-client-cert']).toBeUndefined()
      expect((passed.json as EchoBody).principal).toBeNull()
    })
  })
}
