import 'reflect-metadata'
import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

x509.cryptoProvider.set(webcrypto as unknown as Crypto)

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }

/** A certificate and its private key, both PEM. */
export interface KeyPairPem {
  readonly cert: string
  readonly key: string
}

/** A throwaway PKI for tests: a CA, a server certificate for localhost, client certificates. */
export interface TestPki {
  readonly ca: KeyPairPem
  readonly server: KeyPairPem
  /** Issues a client certificate signed by the CA. */
  client(commonName: string, options?: { uris?: string[]; notAfter?: Date }): Promise<KeyPairPem>
  /** Issues a client certificate from another, untrusted CA. */
  untrustedClient(commonName: string): Promise<KeyPairPem>
}

async function exportKey(key: CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey))
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`
}

const generateKeys = () => webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']) as Promise<CryptoKeyPair>

async function createCa(name: string): Promise<{ pem: KeyPairPem; keys: CryptoKeyPair; cert: x509.X509Certificate }> {
  const keys = await generateKeys()
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    keys,
    signingAlgorithm: algorithm,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { pem: { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) }, keys, cert }
}

async function issue(
  ca: { keys: CryptoKeyPair; cert: x509.X509Certificate },
  subject: string,
  usage: x509.ExtendedKeyUsage,
  names: { dns?: string[]; ips?: string[]; uris?: string[] },
  notAfter = new Date(Date.now() + 86_400_000),
): Promise<KeyPairPem> {
  const keys = await generateKeys()
  const altNames = [
    ...(names.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(names.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(names.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ]
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${subject}`,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: algorithm,
    notBefore: new Date(Date.now() - 60_000),
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([usage], false),
      ...(altNames.length > 0 ? [new x509.SubjectAlternativeNameExtension(altNames, false)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
    ],
  })
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) }
}

/**
 * Creates a fresh PKI in memory: nothing is written to disk and nothing outlives the test.
 *
 * @example
 * ```ts
 * const pki = await createTestPki()
 * https.createServer({ ...pki.server, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: false })
 * ```
 */
export async function createTestPki(): Promise<TestPki> {
  const ca = await createCa('Portcullis Test CA')
  const server = await issue(ca, 'localhost', x509.ExtendedKeyUsage.serverAuth, {
    dns: ['localhost'],
    ips: ['127.0.0.1'],
  })
  let otherCa: Awaited<ReturnType<typeof createCa>> | undefined
  return {
    ca: ca.pem,
    server,
    client: (name, options = {}) =>
      issue(ca, name, x509.ExtendedKeyUsage.clientAuth, { uris: options.uris }, options.notAfter),
    async untrustedClient(name) {
      otherCa ??= await createCa('Untrusted CA')
      return issue(otherCa, name, x509.ExtendedKeyUsage.clientAuth, {})
    },
  }
}
