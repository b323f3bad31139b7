import { X509Certificate } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
// Relative, because core does not (and cannot, without a cycle in the published graph) depend on
// @portcullis/testing; the PKI module itself needs only @peculiar/x509 from packages/testing.
import { createTestPki, type KeyPairPem, type TestPki } from '../../testing/src/pki'
import { type CertificatePolicy, compileCertificatePolicy } from '../src/stages/mtls/certificate-policy'
import {
  type ForwardedCertificateFormat,
  forwardedCertificateHeaders,
  readForwardedCertificate,
} from '../src/stages/mtls/forwarded-certificate'
import { verifyClientCertificate } from '../src/stages/mtls/verify-client-certificate'

const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw)
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')
const pemOf = (bytes: Uint8Array) =>
  `-----BEGIN CERTIFICATE-----\n${base64(bytes).replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`
const headers = (values: Record<string, string>) => new Headers(values)
const byteSequence = (bytes: Uint8Array) => `:${base64(bytes)}:`

function read(format: ForwardedCertificateFormat, values: Record<string, string>, header?: string) {
  return readForwardedCertificate(headers(values), format, header)
}

function errorOf(result: ReturnType<typeof readForwardedCertificate>): string {
  if (!result.present || !('error' in result)) throw new Error(`expected an error, got ${JSON.stringify(result)}`)
  return result.error
}

function certificateOf(result: ReturnType<typeof readForwardedCertificate>) {
  if (!result.present || !('certificate' in result))
    throw new Error(`expected a certificate, got ${JSON.stringify(result)}`)
  return result.certificate
}

let pki: TestPki
let client: KeyPairPem
let other: KeyPairPem
let issuing: KeyPairPem & { client: TestPki['client'] }
let issued: KeyPairPem

beforeAll(async () => {
  pki = await createTestPki()
  client = await pki.client('billing.svc', {
    uris: ['spiffe://acme/ns/prod/sa/billing'],
    dns: ['billing.acme.example'],
    emails: ['billing@acme.example'],
    organization: 'Acme',
  })
  other = await pki.client('other.svc')
  issuing = await pki.intermediate('Issuing CA')
  issued = await issuing.client('issued.svc')
})

describe('forwardedCertificateHeaders', () => {
  it('names the headers each format reads, lowercase', () => {
    expect(forwardedCertificateHeaders('xfcc')).toEqual(['x-forwarded-client-cert'])
    expect(forwardedCertificateHeaders('nginx')).toEqual(['x-ssl-client-cert'])
    expect(forwardedCertificateHeaders('rfc9440')).toEqual(['client-cert', 'client-cert-chain'])
  })

  it('lets the leaf header be renamed, keeping the RFC 9440 chain header', () => {
    expect(forwardedCertificateHeaders('nginx', 'X-Client-Cert')).toEqual(['x-client-cert'])
    expect(forwardedCertificateHeaders('xfcc', 'X-Edge-XFCC')).toEqual(['x-edge-xfcc'])
    expect(forwardedCertificateHeaders('rfc9440', 'X-Client-Cert')).toEqual(['x-client-cert', 'client-cert-chain'])
  })
})

describe('readForwardedCertificate', () => {
  it.each<[ForwardedCertificateFormat, () => Record<string, string>]>([
    ['xfcc', () => ({ 'x-forwarded-client-cert': `Hash=abc;Cert="${encodeURIComponent(client.cert)}"` })],
    ['nginx', () => ({ 'x-ssl-client-cert': encodeURIComponent(client.cert) })],
    ['rfc9440', () => ({ 'client-cert': byteSequence(der(client.cert)) })],
  ])('reads %s to the certificate DER', (format, values) => {
    expect(certificateOf(read(format, values()))).toEqual({ leaf: der(client.cert), chain: [] })
  })

  it.each<ForwardedCertificateFormat>(['xfcc', 'nginx', 'rfc9440'])('reads a renamed %s header', (format) => {
    const value =
      format === 'rfc9440'
        ? byteSequence(der(client.cert))
        : format === 'xfcc'
          ? `Cert=${encodeURIComponent(client.cert)}`
          : encodeURIComponent(client.cert)
    expect(certificateOf(read(format, { 'x-client': value }, 'X-Client')).leaf).toEqual(der(client.cert))
    expect(read(format, { [forwardedCertificateHeaders(format)[0] ?? '']: value }, 'X-Client')).toEqual({
      present: false,
    })
  })

  it.each<ForwardedCertificateFormat>(['xfcc', 'nginx', 'rfc9440'])(
    'reports %s as absent without its header',
    (format) => {
      expect(read(format, {})).toEqual({ present: false })
      expect(read(format, { [forwardedCertificateHeaders(format)[0] ?? '']: '  ' })).toEqual({ present: false })
    },
  )

  it('reads the nginx "no certificate" values as absent', () => {
    expect(read('nginx', { 'x-ssl-client-cert': '' })).toEqual({ present: false })
    expect(read('nginx', { 'x-ssl-client-cert': '-' })).toEqual({ present: false })
  })

  it('reads an Envoy chain, which starts with the leaf, as the intermediates only', () => {
    const chain = encodeURIComponent(issued.cert + issuing.cert)
    const result = read('xfcc', {
      'x-forwarded-client-cert': `Cert="${encodeURIComponent(issued.cert)}";Chain="${chain}"`,
    })
    expect(certificateOf(result)).toEqual({ leaf: der(issued.cert), chain: [der(issuing.cert)] })
  })

  it('takes the leaf from an XFCC Chain when there is no Cert', () => {
    const result = read('xfcc', {
      'x-forwarded-client-cert': `Chain=${encodeURIComponent(issued.cert + issuing.cert)}`,
    })
    expect(certificateOf(result)).toEqual({ leaf: der(issued.cert), chain: [der(issuing.cert)] })
  })

  it('keeps an XFCC chain that does not repeat the leaf', () => {
    const result = read('xfcc', {
      'x-forwarded-client-cert': `Cert=${encodeURIComponent(issued.cert)};Chain=${encodeURIComponent(issuing.cert + pki.ca.cert)}`,
    })
    expect(certificateOf(result).chain).toEqual([der(issuing.cert), der(pki.ca.cert)])
  })

  it('reads an RFC 9440 chain, with optional whitespace and parameters', () => {
    const result = read('rfc9440', {
      'client-cert': `${byteSequence(der(issued.cert))};origin=edge`,
      'client-cert-chain': `${byteSequence(der(issuing.cert))} ,\t${byteSequence(der(pki.ca.cert))};a;b="x;y";c=?1`,
    })
    expect(certificateOf(result)).toEqual({ leaf: der(issued.cert), chain: [der(issuing.cert), der(pki.ca.cert)] })
  })

  it('accepts RFC 9440 base64 without padding', () => {
    const unpadded = base64(der(client.cert)).replace(/=+$/, '')
    expect(certificateOf(read('rfc9440', { 'client-cert': `:${unpadded}:` })).leaf).toEqual(der(client.cert))
  })

  it('ignores an RFC 9440 chain without a Client-Cert', () => {
    expect(read('rfc9440', { 'client-cert-chain': byteSequence(der(issuing.cert)) })).toEqual({ present: false })
  })

  it('uses the first XFCC element, the original client, and ignores those later proxies appended', () => {
    const first = `By=spiffe://gw;Hash=1;Cert="${encodeURIComponent(client.cert)}";Subject="CN=billing.svc,O=Acme"`
    const second = `By=spiffe://gw2;Cert="${encodeURIComponent(other.cert)}"`
    expect(certificateOf(read('xfcc', { 'x-forwarded-client-cert': `${first},${second}` })).leaf).toEqual(
      der(client.cert),
    )
  })

  it('keeps commas, semicolons and escaped quotes inside quoted XFCC values', () => {
    const value = [
      'By="spiffe://gw;a,b";Subject="CN=x,O=\\"Acme; Inc\\",C=US";URI="spiffe://acme/a,b"',
      `Cert="${encodeURIComponent(client.cert)}";DNS=a.example;DNS=b.example`,
    ].join(';')
    const result = read('xfcc', { 'x-forwarded-client-cert': `${value},Cert="${encodeURIComponent(other.cert)}"` })
    expect(certificateOf(result).leaf).toEqual(der(client.cert))
  })

  it('reads XFCC keys case-insensitively', () => {
    expect(
      certificateOf(read('xfcc', { 'x-forwarded-client-cert': `cErT=${encodeURIComponent(client.cert)}` })).leaf,
    ).toEqual(der(client.cert))
  })

  it('refuses an XFCC element without a certificate, even when a later element has one', () => {
    expect(errorOf(read('xfcc', { 'x-forwarded-client-cert': 'Hash=abc;Subject="CN=a"' }))).toMatch(/no certificate/)
    const later = `By=gw;Hash=abc,Cert=${encodeURIComponent(client.cert)}`
    expect(errorOf(read('xfcc', { 'x-forwarded-client-cert': later }))).toMatch(/no certificate/)
  })

  const secret = 'SECRET-MARKER'
  const malformed: Array<[string, ForwardedCertificateFormat, () => Record<string, string>]> = [
    ['an unterminated XFCC quote', 'xfcc', () => ({ 'x-forwarded-client-cert': `Cert="${secret}` })],
    ['an XFCC pair without =', 'xfcc', () => ({ 'x-forwarded-client-cert': `${secret};Cert=x` })],
    ['a stray XFCC quote', 'xfcc', () => ({ 'x-forwarded-client-cert': `Cert=a"b"${secret}` })],
    ['bad XFCC percent-encoding', 'xfcc', () => ({ 'x-forwarded-client-cert': `Cert=%E0%A4%A${secret}` })],
    ['two XFCC Certs', 'xfcc', () => ({ 'x-forwarded-client-cert': `Cert=${encodeURIComponent(client.cert)};Cert=x` })],
    [
      'an XFCC Cert holding a private key',
      'xfcc',
      () => ({ 'x-forwarded-client-cert': `Cert=${encodeURIComponent(client.key)}` }),
    ],
    [
      'bad base64 inside XFCC PEM',
      'xfcc',
      () => ({
        'x-forwarded-client-cert': `Cert=${encodeURIComponent(`-----BEGIN CERTIFICATE-----\n${secret}!\n-----END CERTIFICATE-----`)}`,
      }),
    ],
    ['nginx garbage', 'nginx', () => ({ 'x-ssl-client-cert': secret })],
    ['bad nginx percent-encoding', 'nginx', () => ({ 'x-ssl-client-cert': `%ZZ${secret}` })],
    ['two nginx certificates', 'nginx', () => ({ 'x-ssl-client-cert': encodeURIComponent(client.cert + other.cert) })],
    ['an RFC 9440 token', 'rfc9440', () => ({ 'client-cert': secret })],
    ['bad RFC 9440 base64', 'rfc9440', () => ({ 'client-cert': `:${secret}!!:` })],
    ['an unterminated RFC 9440 byte sequence', 'rfc9440', () => ({ 'client-cert': `:${base64(der(client.cert))}` })],
    ['an empty RFC 9440 byte sequence', 'rfc9440', () => ({ 'client-cert': '::' })],
    [
      'an RFC 9440 list as Client-Cert',
      'rfc9440',
      () => ({ 'client-cert': `${byteSequence(der(client.cert))}, :AAAA:` }),
    ],
    ['RFC 9440 trailing text', 'rfc9440', () => ({ 'client-cert': `${byteSequence(der(client.cert))} ${secret}` })],
    ['a bad RFC 9440 parameter', 'rfc9440', () => ({ 'client-cert': `${byteSequence(der(client.cert))};${secret}` })],
    [
      'an RFC 9440 chain with a trailing comma',
      'rfc9440',
      () => ({
        'client-cert': byteSequence(der(client.cert)),
        'client-cert-chain': `${byteSequence(der(issuing.cert))},`,
      }),
    ],
    [
      'an RFC 9440 chain holding an inner list',
      'rfc9440',
      () => ({
        'client-cert': byteSequence(der(client.cert)),
        'client-cert-chain': `(${byteSequence(der(issuing.cert))})`,
      }),
    ],
  ]

  it.each(malformed)('refuses %s with a message that does not echo the input', (_, format, values) => {
    const error = errorOf(read(format, values()))
    expect(error.length).toBeGreaterThan(0)
    expect(error.length).toBeLessThan(80)
    expect(error).not.toContain(secret)
    expect(error).not.toContain('MII')
  })

  it('refuses a header over 16 KiB', () => {
    const huge = `Cert=${encodeURIComponent(client.cert)};By=${'a'.repeat(16 * 1024)}`
    expect(errorOf(read('xfcc', { 'x-forwarded-client-cert': huge }))).toMatch(/16 KiB/)
    // Padding that is harmless below the bound, so only the size is refused.
    const padded = (newlines: number) => `${encodeURIComponent(client.cert)}${'%0A'.repeat(newlines)}`
    expect(certificateOf(read('nginx', { 'x-ssl-client-cert': padded(1000) })).leaf).toEqual(der(client.cert))
    expect(errorOf(read('nginx', { 'x-ssl-client-cert': padded(6 * 1024) }))).toMatch(/16 KiB/)
    const chain = `${byteSequence(der(issuing.cert))};p="${'a'.repeat(16 * 1024)}"`
    const result = read('rfc9440', { 'client-cert': byteSequence(der(issued.cert)), 'client-cert-chain': chain })
    expect(errorOf(result)).toMatch(/16 KiB/)
  })

  it('accepts five chain certificates and refuses six, in every format that carries a chain', () => {
    const five = Array.from({ length: 5 }, () => issuing.cert)
    const six = [...five, issuing.cert]
    const xfccChain = (pems: string[]) => ({
      'x-forwarded-client-cert': `Cert=${encodeURIComponent(issued.cert)};Chain=${encodeURIComponent([issued.cert, ...pems].join(''))}`,
    })
    expect(certificateOf(read('xfcc', xfccChain(five))).chain).toHaveLength(5)
    expect(errorOf(read('xfcc', xfccChain(six)))).toMatch(/longer than 5/)
    const list = (pems: string[]) => pems.map((pem) => byteSequence(der(pem))).join(', ')
    const leaf = byteSequence(der(issued.cert))
    expect(certificateOf(read('rfc9440', { 'client-cert': leaf, 'client-cert-chain': list(five) })).chain).toHaveLength(
      5,
    )
    expect(errorOf(read('rfc9440', { 'client-cert': leaf, 'client-cert-chain': list(six) }))).toMatch(/longer than 5/)
  })

  it('never throws, whatever the headers do', () => {
    const broken = {
      get: () => {
        throw new Error('boom SECRET')
      },
      has: () => true,
      entries: () => [][Symbol.iterator](),
    }
    expect(readForwardedCertificate(broken, 'xfcc')).toEqual({
      present: true,
      error: 'certificate header is unreadable',
    })
  })
})

describe('verifyClientCertificate', () => {
  let now: number
  let policy: ReturnType<typeof compileCertificatePolicy>
  const verify = (pem: string, chain: string[] = [], compiled = policy, at = now) =>
    verifyClientCertificate(der(pem), chain.map(der), compiled, at, 'tls')
  const reasonOf = (result: ReturnType<typeof verifyClientCertificate>) => (result.ok ? 'ok' : result.reason)
  const withPolicy = (extra: Partial<CertificatePolicy>) => compileCertificatePolicy({ ca: [pki.ca.cert], ...extra })

  beforeAll(() => {
    now = Date.now()
    policy = compileCertificatePolicy({ ca: [pki.ca.cert] })
  })

  it('accepts a client certificate from the CA and describes it', () => {
    const result = verifyClientCertificate(der(client.cert), [], policy, now, 'xfcc')
    if (!result.ok) throw new Error(result.detail)
    const x509 = new X509Certificate(client.cert)
    expect(result.certificate).toEqual({
      subject: 'CN=billing.svc\nO=Acme',
      commonName: 'billing.svc',
      issuer: 'CN=Portcullis Test CA',
      subjectAltNames: {
        dns: ['billing.acme.example'],
        uri: ['spiffe://acme/ns/prod/sa/billing'],
        email: ['billing@acme.example'],
        ip: [],
      },
      fingerprint256: x509.fingerprint256,
      serialNumber: x509.serialNumber.toUpperCase(),
      validFrom: new Date(x509.validFrom),
      validTo: new Date(x509.validTo),
      source: 'xfcc',
    })
    expect(result.certificate.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(result.certificate.serialNumber).toMatch(/^[0-9A-F]+$/)
  })

  it('unescapes commas, control characters, plus signs, quotes and semicolons in the common name', async () => {
    for (const name of ['a,b', 'two\nlines + x', 'say "hi', 'x;y=z<>']) {
      const result = verify((await pki.client(name)).cert)
      expect(result.ok && result.certificate.commonName).toBe(name)
    }
  })

  it('reads the attributes of a multi-valued RDN apart, and has no common name when there are two', async () => {
    const multiValued = await pki.client('ignored', { subject: [{ CN: ['evil'], O: ['x.svc'] }] })
    const result = verify(multiValued.cert)
    expect(result.ok && result.certificate.subject).toBe('CN=evil + O=x.svc')
    expect(result.ok && result.certificate.commonName).toBe('evil')
    expect(reasonOf(verify(multiValued.cert, [], withPolicy({ subject: { commonName: ['*.svc'] } })))).toBe(
      'subject_mismatch',
    )
    expect(reasonOf(verify(multiValued.cert, [], withPolicy({ subject: { organization: ['*.svc'] } })))).toBe('ok')

    const twoNames = await pki.client('ignored', { subject: [{ CN: ['a.svc'] }, { CN: ['line\nbreak + x.svc'] }] })
    const ambiguous = verify(twoNames.cert)
    expect(ambiguous.ok && ambiguous.certificate.commonName).toBeUndefined()
    expect(reasonOf(verify(twoNames.cert, [], withPolicy({ subject: { commonName: ['*'] } })))).toBe('subject_mismatch')
  })

  it('refuses an expired certificate at the frozen clock, and accepted it while it was valid', async () => {
    const expired = await pki.client('late', { notBefore: new Date(now - 50_000), notAfter: new Date(now - 20_000) })
    expect(verify(expired.cert)).toEqual({ ok: false, reason: 'expired', detail: 'certificate has expired' })
    expect(reasonOf(verify(expired.cert, [], policy, now - 30_000))).toBe('ok')
  })

  it('refuses a certificate that is not valid yet, and accepts it once it is', async () => {
    const early = await pki.client('early', { notBefore: new Date(now + 3_600_000) })
    expect(reasonOf(verify(early.cert))).toBe('not_yet_valid')
    expect(reasonOf(verify(early.cert, [], policy, now + 3_601_000))).toBe('ok')
  })

  it('refuses a certificate from another CA', async () => {
    const intruder = await pki.untrustedClient('intruder')
    expect(reasonOf(verify(intruder.cert))).toBe('untrusted')
  })

  it('reports untrusted rather than expired when the CA itself has expired', () => {
    expect(reasonOf(verify(client.cert, [], policy, now + 3 * 86_400_000))).toBe('untrusted')
  })

  it('requires the clientAuth extended key usage unless told otherwise', async () => {
    const noUsage = await pki.client('no-eku', { extendedKeyUsage: 'none' })
    const serverOnly = await pki.client('server-eku', { extendedKeyUsage: 'serverAuth' })
    expect(reasonOf(verify(noUsage.cert))).toBe('no_client_auth')
    expect(reasonOf(verify(serverOnly.cert))).toBe('no_client_auth')
    const relaxed = withPolicy({ requireClientAuth: false })
    expect(reasonOf(verify(noUsage.cert, [], relaxed))).toBe('ok')
    // An EKU that names other purposes restricts the certificate, whatever the policy says.
    expect(reasonOf(verify(serverOnly.cert, [], relaxed))).toBe('no_client_auth')
  })

  describe('chains', () => {
    it('accepts a leaf issued by an intermediate when the intermediate is in the chain', () => {
      const result = verify(issued.cert, [issuing.cert])
      expect(reasonOf(result)).toBe('ok')
      expect(result.ok && result.certificate.issuer).toBe('CN=Issuing CA')
    })

    it('refuses it without the intermediate', () => {
      expect(verify(issued.cert)).toMatchObject({ ok: false, reason: 'untrusted' })
    })

    it('accepts a chain that also carries the root, and stops at the first configured CA', () => {
      expect(reasonOf(verify(issued.cert, [issuing.cert, pki.ca.cert]))).toBe('ok')
      const both = compileCertificatePolicy({ ca: [issuing.cert + pki.ca.cert] })
      expect(reasonOf(verify(issued.cert, [], both))).toBe('ok')
    })

    it('trusts a configured intermediate on its own', () => {
      const intermediateOnly = compileCertificatePolicy({ ca: [issuing.cert] })
      expect(reasonOf(verify(issued.cert, [], intermediateOnly))).toBe('ok')
      expect(reasonOf(verify(client.cert, [], intermediateOnly))).toBe('untrusted')
    })

    it('accepts a leaf that is itself a configured certificate', () => {
      const pinned = compileCertificatePolicy({ ca: [client.cert] })
      expect(reasonOf(verify(client.cert, [], pinned))).toBe('ok')
      expect(reasonOf(verify(other.cert, [], pinned))).toBe('untrusted')
    })

    it('refuses a chain out of order or with an unrelated certificate', () => {
      expect(reasonOf(verify(issued.cert, [pki.ca.cert, issuing.cert]))).toBe('untrusted')
      expect(reasonOf(verify(issued.cert, [other.cert]))).toBe('untrusted')
    })

    it('refuses a chain through a certificate that is not a CA', async () => {
      const notCa = await pki.intermediate('Not A CA', { ca: false })
      const leaf = await notCa.client('sneaky')
      expect(verify(leaf.cert, [notCa.cert])).toMatchObject({ ok: false, reason: 'untrusted' })
      expect(reasonOf(verify(leaf.cert, [notCa.cert], compileCertificatePolicy({ ca: [notCa.cert] })))).toBe(
        'untrusted',
      )
    })

    it('refuses a chain through an expired or not-yet-valid intermediate', async () => {
      const expired = await pki.intermediate('Old CA', {
        notBefore: new Date(now - 50_000),
        notAfter: new Date(now - 20_000),
      })
      const leaf = await expired.client('orphan')
      expect(reasonOf(verify(leaf.cert, [expired.cert]))).toBe('untrusted')
      const early = await pki.intermediate('Future CA', { notBefore: new Date(now + 3_600_000) })
      expect(reasonOf(verify((await early.client('early')).cert, [early.cert]))).toBe('untrusted')
    })

    it('refuses a chain longer than five', () => {
      const six = Array.from({ length: 6 }, () => issuing.cert)
      expect(verify(issued.cert, six)).toMatchObject({ ok: false, reason: 'untrusted' })
    })
  })

  describe('fingerprint pins', () => {
    it('accepts a pinned certificate, however the pin is written', () => {
      const fingerprint = new X509Certificate(client.cert).fingerprint256
      for (const pin of [fingerprint, fingerprint.replaceAll(':', '').toLowerCase(), fingerprint.toLowerCase()]) {
        expect(reasonOf(verify(client.cert, [], withPolicy({ fingerprints: ['00'.repeat(32), pin] })))).toBe('ok')
      }
    })

    it('refuses an unpinned certificate from the trusted CA', () => {
      const pinned = withPolicy({ fingerprints: [new X509Certificate(client.cert).fingerprint256] })
      expect(verify(other.cert, [], pinned)).toEqual({
        ok: false,
        reason: 'fingerprint_mismatch',
        detail: 'certificate fingerprint is not pinned',
      })
    })
  })

  describe('subject and SAN rules', () => {
    it('matches common-name globs', async () => {
      expect(reasonOf(verify(client.cert, [], withPolicy({ subject: { commonName: ['*.svc'] } })))).toBe('ok')
      expect(reasonOf(verify(client.cert, [], withPolicy({ subject: { commonName: ['billing.svc'] } })))).toBe('ok')
      expect(reasonOf(verify(client.cert, [], withPolicy({ subject: { commonName: ['*.other', 'bill*'] } })))).toBe(
        'ok',
      )
      const mismatch = verify(client.cert, [], withPolicy({ subject: { commonName: ['*.other', 'billing'] } }))
      expect(mismatch).toEqual({ ok: false, reason: 'subject_mismatch', detail: 'certificate subject is not allowed' })
    })

    it('requires every given subject key to match', () => {
      const both = withPolicy({ subject: { commonName: ['*.svc'], organization: ['Acme'] } })
      expect(reasonOf(verify(client.cert, [], both))).toBe('ok')
      expect(reasonOf(verify(other.cert, [], both))).toBe('subject_mismatch')
    })

    it('matches SAN URI globs such as a SPIFFE trust domain', () => {
      expect(reasonOf(verify(client.cert, [], withPolicy({ subjectAltName: { uri: ['spiffe://acme/*'] } })))).toBe('ok')
      expect(reasonOf(verify(client.cert, [], withPolicy({ subjectAltName: { uri: ['spiffe://other/*'] } })))).toBe(
        'subject_mismatch',
      )
      expect(reasonOf(verify(other.cert, [], withPolicy({ subjectAltName: { uri: ['*'] } })))).toBe('subject_mismatch')
    })

    it('accepts a match in any listed SAN kind, and DNS names in any case', () => {
      const rules = withPolicy({ subjectAltName: { uri: ['spiffe://other/*'], dns: ['*.ACME.example'] } })
      expect(reasonOf(verify(client.cert, [], rules))).toBe('ok')
      const email = withPolicy({ subjectAltName: { email: ['*@acme.example'] } })
      expect(reasonOf(verify(client.cert, [], email))).toBe('ok')
    })

    it('does not let a SAN value smuggle in a second entry', async () => {
      const smuggler = await pki.client('smuggler', { uris: ['spiffe://evil/x, URI:spiffe://acme/y'] })
      const result = verify(smuggler.cert, [], withPolicy({ requireClientAuth: true }))
      expect(result.ok && result.certificate.subjectAltNames.uri).toEqual(['spiffe://evil/x, URI:spiffe://acme/y'])
      const rules = withPolicy({ subjectAltName: { uri: ['spiffe://acme/*'] } })
      expect(reasonOf(verify(smuggler.cert, [], rules))).toBe('subject_mismatch')
    })

    it.each([
      ['*', 'anything', true],
      ['a*', 'a', true],
      ['a*c', 'abc', true],
      ['a*c', 'ab', false],
      ['*b*', 'abc', true],
      ['a*b*c', 'acb', false],
      ['a*a', 'a', false],
      ['a*b*b', 'abxb', true],
      ['exact', 'Exact', false],
      ['*.svc', 'x.svc.evil', false],
    ])('the glob %j against %j gives %s', (pattern, commonName, expected) => {
      const compiled = withPolicy({ subject: { commonName: [pattern] } })
      expect(
        compiled.namesMatch({
          commonName,
          organizations: [],
          subjectAltNames: { dns: [], uri: [], email: [], ip: [] },
        }),
      ).toBe(expected)
    })
  })

  it('calls garbage malformed, as leaf or in the chain', () => {
    const garbage = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])
    expect(verifyClientCertificate(garbage, [], policy, now, 'tls')).toEqual({
      ok: false,
      reason: 'malformed',
      detail: 'certificate is not a valid X.509 certificate',
    })
    expect(verifyClientCertificate(new Uint8Array(), [], policy, now, 'tls')).toMatchObject({ reason: 'malformed' })
    expect(verifyClientCertificate(der(issued.cert), [garbage], policy, now, 'tls')).toMatchObject({
      reason: 'malformed',
    })
  })

  it('verifies what readForwardedCertificate read', () => {
    const forwarded = certificateOf(
      read('xfcc', {
        'x-forwarded-client-cert': `Cert=${encodeURIComponent(issued.cert)};Chain=${encodeURIComponent(issued.cert + issuing.cert)}`,
      }),
    )
    expect(reasonOf(verifyClientCertificate(forwarded.leaf, forwarded.chain, policy, now, 'xfcc'))).toBe('ok')
    expect(reasonOf(verifyClientCertificate(der(pemOf(der(client.cert))), [], policy, now, 'nginx'))).toBe('ok')
  })
})

describe('compileCertificatePolicy', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('throws on a CA that cannot be parsed', () => {
    expect(() => compileCertificatePolicy({ ca: ['not a certificate'] })).toThrow('ca[0]: no PEM certificate found')
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'
    expect(() => compileCertificatePolicy({ ca: [pki.ca.cert, pki.ca.cert + broken] })).toThrow(
      'ca[1]: certificate 2 cannot be parsed',
    )
    expect(() => compileCertificatePolicy({ ca: [] })).toThrow('ca: give at least one CA certificate')
  })

  it('throws on a bad fingerprint or pattern', () => {
    expect(() => compileCertificatePolicy({ ca: [pki.ca.cert], fingerprints: ['AB:CD'] })).toThrow(
      'fingerprints[0]: not a SHA-256 fingerprint',
    )
    expect(() => compileCertificatePolicy({ ca: [pki.ca.cert], fingerprints: [] })).toThrow(/fingerprints/)
    expect(() => compileCertificatePolicy({ ca: [pki.ca.cert], subject: { commonName: ['ok', ''] } })).toThrow(
      /^subject\.commonName\[1\]: /,
    )
    expect(() => compileCertificatePolicy({ ca: [pki.ca.cert], subject: { organization: ['a\nb'] } })).toThrow(
      'subject.organization[0]: control characters are not allowed',
    )
    expect(() => compileCertificatePolicy({ ca: [pki.ca.cert], subjectAltName: { uri: [] } })).toThrow(
      'subjectAltName.uri: give at least one pattern',
    )
    expect(() => compileCertificatePolicy({ ca: [pki.ca.cert], subjectAltName: {} })).toThrow(/subjectAltName: /)
    expect(() => compileCertificatePolicy({ ca: [pki.ca.cert], subject: {} })).toThrow(/subject: /)
  })

  it('throws when the runtime has no node:crypto', () => {
    vi.spyOn(process, 'getBuiltinModule').mockImplementation((() => undefined) as typeof process.getBuiltinModule)
    expect(() => compileCertificatePolicy({ ca: [pki.ca.cert] })).toThrow('mutual TLS needs a runtime with node:crypto')
  })
})
