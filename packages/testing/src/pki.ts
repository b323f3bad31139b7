import 'reflect-metadata'
import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

x509.cryptoProvider.set(webcrypto as unknown as Crypto)

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
const day = 86_400_000

/** A certificate and its private key, both PEM. */
export interface KeyPairPem {
  readonly cert: string
  readonly key: string
}

/** What a client certificate from the test PKI carries; every field is optional. */
export interface ClientCertificateOptions {
  /** URI subject alternative names, e.g. SPIFFE IDs. */
  readonly uris?: readonly string[]
  /** DNS subject alternative names. */
  readonly dns?: readonly string[]
  /** Email (rfc822Name) subject alternative names. */
  readonly emails?: readonly string[]
  /** The subject's organization (`O=`). */
  readonly organization?: string
  /**
   * The whole subject, one object per RDN (`[{ CN: ['a'], O: ['b'] }]` is the multi-valued RDN
   * `CN=a + O=b`), replacing the common name and organization: for tests of unusual names.
   */
  readonly subject?: ReadonlyArray<Readonly<Record<string, readonly string[]>>>
  /** Start of validity; a minute ago by default, so clock skew between steps does not matter. */
  readonly notBefore?: Date
  /** End of validity; a day from now by default. */
  readonly notAfter?: Date
  /** The extended key usage: `clientAuth` by default; `none` leaves the extension out. */
  readonly extendedKeyUsage?: 'clientAuth' | 'serverAuth' | 'none'
}

/** How an intermediate CA from the test PKI is made. */
export interface IntermediateCaOptions {
  /** Start of validity; a minute ago by default. */
  readonly notBefore?: Date
  /** End of validity; a day from now by default. */
  readonly notAfter?: Date
  /**
   * `false` issues it with basic constraints `cA: false` (but still the keyCertSign key usage), to
   * test that a verifier refuses a chain through a certificate that is not a CA. Default `true`.
   */
  readonly ca?: boolean
}

/** An intermediate CA signed by the test CA; the certificates it issues need it in their chain. */
export interface TestIntermediateCa extends KeyPairPem {
  /** Issues a client certificate signed by this intermediate. */
  client(commonName: string, options?: ClientCertificateOptions): Promise<KeyPairPem>
}

/** A throwaway PKI for tests: a CA, a server certificate for localhost, client certificates. */
export interface TestPki {
  readonly ca: KeyPairPem
  readonly server: KeyPairPem
  /** Issues a client certificate signed by the CA. */
  client(commonName: string, options?: ClientCertificateOptions): Promise<KeyPairPem>
  /** Issues a client certificate from another, untrusted CA. */
  untrustedClient(commonName: string, options?: ClientCertificateOptions): Promise<KeyPairPem>
  /** Creates an intermediate CA signed by the CA. */
  intermediate(commonName: string, options?: IntermediateCaOptions): Promise<TestIntermediateCa>
}

interface Authority {
  readonly keys: CryptoKeyPair
  readonly cert: x509.X509Certificate
}

interface IssueOptions extends Omit<ClientCertificateOptions, 'extendedKeyUsage'> {
  readonly usage: x509.ExtendedKeyUsage | 'none'
  readonly ips?: readonly string[]
}

async function exportKey(key: CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey))
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`
}

const generateKeys = () => webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']) as Promise<CryptoKeyPair>

const caExtensions = async (keys: CryptoKeyPair, isCa = true) => [
  new x509.BasicConstraintsExtension(isCa, undefined, true),
  new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
]

async function createCa(name: string): Promise<Authority & { pem: KeyPairPem }> {
  const keys = await generateKeys()
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    keys,
    signingAlgorithm: algorithm,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + day),
    extensions: await caExtensions(keys),
  })
  return { pem: { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) }, keys, cert }
}

async function createIntermediate(
  parent: Authority,
  name: string,
  options: IntermediateCaOptions,
): Promise<Authority & { pem: KeyPairPem }> {
  const keys = await generateKeys()
  const cert = await x509.X509CertificateGenerator.create({
    subject: [{ CN: [name] }],
    issuer: parent.cert.subjectName,
    publicKey: keys.publicKey,
    signingKey: parent.keys.privateKey,
    signingAlgorithm: algorithm,
    notBefore: options.notBefore ?? new Date(Date.now() - 60_000),
    notAfter: options.notAfter ?? new Date(Date.now() + day),
    extensions: [
      ...(await caExtensions(keys, options.ca ?? true)),
      await x509.AuthorityKeyIdentifierExtension.create(parent.cert, false),
    ],
  })
  return { pem: { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) }, keys, cert }
}

async function issue(ca: Authority, commonName: string, options: IssueOptions): Promise<KeyPairPem> {
  const keys = await generateKeys()
  const altNames = [
    ...(options.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(options.uris ?? []).map((value) => ({ type: 'url' as const, value })),
    ...(options.emails ?? []).map((value) => ({ type: 'email' as const, value })),
  ]
  const cert = await x509.X509CertificateGenerator.create({
    // A JSON name, so a common name with a comma stays one attribute instead of being parsed as a DN.
    subject: options.subject?.map((rdn) =>
      Object.fromEntries(Object.entries(rdn).map(([key, values]) => [key, [...values]])),
    ) ?? [{ CN: [commonName] }, ...(options.organization === undefined ? [] : [{ O: [options.organization] }])],
    issuer: ca.cert.subjectName,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: algorithm,
    notBefore: options.notBefore ?? new Date(Date.now() - 60_000),
    notAfter: options.notAfter ?? new Date(Date.now() + day),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      ...(options.usage === 'none' ? [] : [new x509.ExtendedKeyUsageExtension([options.usage], false)]),
      ...(altNames.length > 0 ? [new x509.SubjectAlternativeNameExtension(altNames, false)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
    ],
  })
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) }
}

function issueClient(ca: Authority, commonName: string, options: ClientCertificateOptions = {}): Promise<KeyPairPem> {
  const { extendedKeyUsage = 'clientAuth', ...rest } = options
  const usage = extendedKeyUsage === 'none' ? 'none' : x509.ExtendedKeyUsage[extendedKeyUsage]
  return issue(ca, commonName, { ...rest, usage })
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
  const server = await issue(ca, 'localhost', {
    usage: x509.ExtendedKeyUsage.serverAuth,
    dns: ['localhost'],
    ips: ['127.0.0.1'],
  })
  let otherCa: Awaited<ReturnType<typeof createCa>> | undefined
  return {
    ca: ca.pem,
    server,
    client: (name, options) => issueClient(ca, name, options),
    async untrustedClient(name, options) {
      otherCa ??= await createCa('Untrusted CA')
      return issueClient(otherCa, name, options)
    },
    async intermediate(name, options = {}) {
      const intermediate = await createIntermediate(ca, name, options)
      return {
        ...intermediate.pem,
        client: (commonName, clientOptions) => issueClient(intermediate, commonName, clientOptions),
      }
    },
  }
}
