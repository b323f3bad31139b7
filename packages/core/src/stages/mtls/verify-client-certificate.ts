import type { CertificateNames, CompiledCertificatePolicy, X509CertificateLike } from './certificate-policy'
import type { ClientCertificate } from './client-certificate'

/** Why a client certificate was refused; stable, so callers can map each to an error code. */
export type CertificateRejection =
  | 'untrusted'
  | 'expired'
  | 'not_yet_valid'
  | 'no_client_auth'
  | 'fingerprint_mismatch'
  | 'subject_mismatch'
  | 'malformed'

/** The outcome of {@link verifyClientCertificate}. */
export type CertificateVerification =
  | { readonly ok: true; readonly certificate: ClientCertificate }
  | { readonly ok: false; readonly reason: CertificateRejection; readonly detail: string }

const maxChainLength = 5
const clientAuthOid = '1.3.6.1.5.5.7.3.2'
const anyExtendedKeyUsageOid = '2.5.29.37.0'

const reject = (reason: CertificateRejection, detail: string): CertificateVerification => ({
  ok: false,
  reason,
  detail,
})

/**
 * Verifies a client certificate against a compiled policy: the chain up to a configured CA, validity
 * at `now` (the gateway's clock), the clientAuth key usage, fingerprint pins, then the subject and
 * SAN rules. Details are fixed phrases that never quote the certificate. Never throws.
 */
export function verifyClientCertificate(
  leaf: Uint8Array,
  chain: readonly Uint8Array[],
  policy: CompiledCertificatePolicy,
  now: number,
  source: ClientCertificate['source'],
): CertificateVerification {
  try {
    return verify(leaf, chain, policy, now, source)
  } catch {
    // Only an unreadable certificate gets here (a name Node prints oddly, a key it cannot use).
    return reject('malformed', 'certificate cannot be read')
  }
}

function verify(
  leaf: Uint8Array,
  chain: readonly Uint8Array[],
  policy: CompiledCertificatePolicy,
  now: number,
  source: ClientCertificate['source'],
): CertificateVerification {
  // Checked before parsing, so an oversized chain costs nothing.
  if (chain.length > maxChainLength) return reject('untrusted', 'certificate chain is longer than 5')
  let certificate: X509CertificateLike
  let intermediates: X509CertificateLike[]
  let validity: { readonly from: number; readonly to: number }
  try {
    certificate = policy.parse(leaf)
    intermediates = chain.map((der) => policy.parse(der))
    validity = validityOf(certificate)
  } catch {
    return reject('malformed', 'certificate is not a valid X.509 certificate')
  }
  const untrusted = trustFailure(certificate, intermediates, policy.authorities, now)
  if (untrusted !== undefined) return reject('untrusted', untrusted)
  if (now < validity.from) return reject('not_yet_valid', 'certificate is not valid yet')
  if (now > validity.to) return reject('expired', 'certificate has expired')
  if (!clientAuthAllowed(certificate.extKeyUsage ?? certificate.keyUsage, policy.requireClientAuth)) {
    return reject('no_client_auth', 'certificate is not issued for client authentication')
  }
  if (!policy.fingerprintMatches(certificate.fingerprint256)) {
    return reject('fingerprint_mismatch', 'certificate fingerprint is not pinned')
  }
  const names = namesOf(certificate)
  if (!policy.namesMatch(names)) return reject('subject_mismatch', 'certificate subject is not allowed')
  return {
    ok: true,
    certificate: {
      subject: certificate.subject,
      commonName: names.commonName,
      issuer: certificate.issuer,
      subjectAltNames: names.subjectAltNames,
      fingerprint256: certificate.fingerprint256.toUpperCase(),
      serialNumber: certificate.serialNumber.toUpperCase(),
      validFrom: new Date(validity.from),
      validTo: new Date(validity.to),
      source,
    },
  }
}

// Node < 22.10 only has the OpenSSL strings (`Nov 28 10:28:52 2026 GMT`), which Date.parse reads.
function validityOf(certificate: X509CertificateLike): { from: number; to: number } {
  const from = certificate.validFromDate?.getTime() ?? Date.parse(certificate.validFrom)
  const to = certificate.validToDate?.getTime() ?? Date.parse(certificate.validTo)
  if (Number.isNaN(from) || Number.isNaN(to)) throw new Error('unreadable validity')
  return { from, to }
}

const within = (certificate: X509CertificateLike, now: number) => {
  try {
    const { from, to } = validityOf(certificate)
    return from <= now && now <= to
  } catch {
    return false
  }
}

const isCa = (certificate: X509CertificateLike) =>
  typeof certificate.ca === 'boolean' ? certificate.ca : certificate.toLegacyObject?.().ca === true

// The name/key-identifier match alone proves nothing: the signature must verify with the issuer's key.
const issuedBy = (child: X509CertificateLike, issuer: X509CertificateLike) => {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey)
  } catch {
    return false
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i])

/**
 * Walks from the leaf through the supplied intermediates, in order, until a configured CA issued the
 * current certificate or the current certificate is itself a configured CA. Returns why it failed, or
 * `undefined` when the path is trusted. The leaf's own validity is checked by the caller, so that an
 * expired leaf is reported as `expired` rather than `untrusted`.
 */
function trustFailure(
  leaf: X509CertificateLike,
  intermediates: readonly X509CertificateLike[],
  authorities: readonly X509CertificateLike[],
  now: number,
): string | undefined {
  let current = leaf
  for (let depth = 0; ; depth++) {
    if (depth > 0 && !within(current, now)) return 'an intermediate certificate is outside its validity'
    if (authorities.some((authority) => sameBytes(authority.raw, current.raw))) return undefined
    const issuers = authorities.filter((authority) => isCa(authority) && issuedBy(current, authority))
    // During a CA rollover two configured certificates can share a name and key; one valid one suffices.
    if (issuers.length > 0) {
      return issuers.some((issuer) => within(issuer, now)) ? undefined : 'the issuing CA is outside its validity'
    }
    const next = intermediates[depth]
    if (next === undefined) return 'certificate does not chain to a trusted CA'
    if (!issuedBy(current, next)) return 'certificate chain is out of order or not signed by its issuer'
    if (!isCa(next)) return 'certificate chain passes through a certificate that is not a CA'
    current = next
  }
}

/**
 * RFC 5280 reads a missing EKU (or anyExtendedKeyUsage) as "any purpose"; by default the gateway asks
 * for an explicit clientAuth, and `requireClientAuth: false` relaxes only that. A certificate whose EKU
 * lists other purposes but not clientAuth is refused either way: its issuer restricted it.
 */
function clientAuthAllowed(usages: readonly string[] | undefined, required: boolean): boolean {
  if (usages === undefined || usages.length === 0) return !required
  if (usages.includes(clientAuthOid)) return true
  return !required && usages.includes(anyExtendedKeyUsageOid)
}

function namesOf(certificate: X509CertificateLike): CertificateNames {
  const attributes = nameAttributes(certificate.subject)
  const commonNames = attributes.filter(([key]) => key === 'CN').map(([, value]) => value)
  return {
    // Two CNs are ambiguous: rules and the principal must not disagree about which one counts.
    commonName: commonNames.length === 1 ? commonNames[0] : undefined,
    organizations: attributes.filter(([key]) => key === 'O').map(([, value]) => value),
    subjectAltNames: subjectAltNamesOf(certificate.subjectAltName),
  }
}

/**
 * Node prints a name one RDN per line, RFC 2253-escaped (`\,`, and `\0A` for control characters), with
 * ` + ` between the attributes of a multi-valued RDN. Splitting on that separator keeps
 * `CN=a + O=b` from reading as a common name `a + O=b`.
 */
function nameAttributes(name: string): Array<[string, string]> {
  const attributes: Array<[string, string]> = []
  for (const line of name.split('\n')) {
    const parts: string[] = []
    let current = ''
    for (let i = 0; i < line.length; i++) {
      if (line[i] === '\\') {
        current += line.slice(i, i + 2)
        i++
      } else if (line.startsWith(' + ', i)) {
        parts.push(current)
        current = ''
        i += 2
      } else {
        current += line[i]
      }
    }
    parts.push(current)
    for (const part of parts) {
      const equals = part.indexOf('=')
      if (equals > 0) attributes.push([part.slice(0, equals), unescapeName(part.slice(equals + 1))])
    }
  }
  return attributes
}

const unescapeName = (value: string) =>
  value.replace(/\\([0-9A-Fa-f]{2}|[\s\S])/g, (_, escaped: string) =>
    escaped.length === 2 ? String.fromCharCode(Number.parseInt(escaped, 16)) : escaped,
  )

// Finds where the quoted value ends; JSON.parse then refuses anything that is not a valid JSON string.
const jsonString = /^"(?:[^"\\]|\\[\s\S])*"/
const sanKinds: ReadonlyMap<string, keyof ClientCertificate['subjectAltNames']> = new Map([
  ['DNS', 'dns'],
  ['URI', 'uri'],
  ['email', 'email'],
  ['IP Address', 'ip'],
])

/**
 * Splits Node's `subjectAltName` (`DNS:a, URI:b`) as Node's own TLS code does: since CVE-2021-44532,
 * a value holding `,` or `"` is JSON-quoted, so a SAN cannot smuggle in a second entry.
 */
function subjectAltNamesOf(text: string | undefined): ClientCertificate['subjectAltNames'] {
  const names = { dns: [] as string[], uri: [] as string[], email: [] as string[], ip: [] as string[] }
  if (text === undefined || text === '') return names
  const entries: string[] = []
  let current = ''
  let offset = 0
  while (offset < text.length) {
    const comma = text.indexOf(',', offset)
    const quote = text.indexOf('"', offset)
    if (quote !== -1 && (comma === -1 || quote < comma)) {
      const quoted = jsonString.exec(text.slice(quote))
      if (quoted === null) throw new Error('unreadable subjectAltName')
      current += text.slice(offset, quote) + JSON.parse(quoted[0])
      offset = quote + quoted[0].length
    } else if (comma !== -1) {
      entries.push(current + text.slice(offset, comma))
      current = ''
      offset = comma + 2
    } else {
      current += text.slice(offset)
      offset = text.length
    }
  }
  entries.push(current)
  for (const entry of entries) {
    const colon = entry.indexOf(':')
    const kind = sanKinds.get(entry.slice(0, colon))
    if (colon > 0 && kind !== undefined) names[kind].push(entry.slice(colon + 1))
  }
  return names
}
