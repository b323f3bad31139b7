import type { ClientCertificate } from './client-certificate'

/** Which client certificates the mutual-TLS stage accepts. */
export interface CertificatePolicy {
  /** Trusted root or intermediate CAs, PEM (one or more certificates per string). */
  readonly ca: readonly string[]
  /** Require the clientAuth extended key usage (default true). */
  readonly requireClientAuth?: boolean
  /** Accept only these SHA-256 fingerprints (any format: colons or not, any case). */
  readonly fingerprints?: readonly string[]
  /** Subject rules: each value is an exact string or a glob with `*`; every given key must match. */
  readonly subject?: { readonly commonName?: readonly string[]; readonly organization?: readonly string[] }
  /** SAN rules: at least one SAN of a listed kind must match one of its patterns (glob with `*`). */
  readonly subjectAltName?: {
    readonly dns?: readonly string[]
    readonly uri?: readonly string[]
    readonly email?: readonly string[]
  }
}

/**
 * The parts of Node's `X509Certificate` the mtls stage reads, typed structurally so that core
 * imports nothing from Node (it also runs on fetch runtimes).
 */
export interface X509CertificateLike {
  readonly subject: string
  readonly issuer: string
  readonly subjectAltName: string | undefined
  readonly fingerprint256: string
  readonly serialNumber: string
  readonly validFrom: string
  readonly validTo: string
  /** Node ≥ 22.10; parsed from `validFrom` / `validTo` where absent. */
  readonly validFromDate?: Date
  /** Node ≥ 22.10. */
  readonly validToDate?: Date
  /** Basic constraints `cA`; older runtimes only have it in `toLegacyObject()`. */
  readonly ca?: boolean
  /** The extended key usage OIDs (Node's historical name); `undefined` without the extension. */
  readonly keyUsage?: readonly string[] | undefined
  /** The same, under the name newer Node versions use. */
  readonly extKeyUsage?: readonly string[] | undefined
  readonly publicKey: unknown
  readonly raw: Uint8Array
  checkIssued(issuer: X509CertificateLike): boolean
  verify(publicKey: unknown): boolean
  toLegacyObject?(): { readonly ca?: boolean }
}

/** A subject's names, as the subject and SAN rules see them. */
export interface CertificateNames {
  /** The single common name; `undefined` when there is none, or more than one. */
  readonly commonName: string | undefined
  /** Every organization (`O=`) value. */
  readonly organizations: readonly string[]
  /** The subject alternative names, by kind. */
  readonly subjectAltNames: ClientCertificate['subjectAltNames']
}

/** A {@link CertificatePolicy} checked and compiled once, at start-up. */
export interface CompiledCertificatePolicy {
  /** Parses DER with the runtime's `X509Certificate`; throws on anything else. */
  readonly parse: (der: Uint8Array) => X509CertificateLike
  /** The configured CAs, parsed. */
  readonly authorities: readonly X509CertificateLike[]
  /** Whether the clientAuth extended key usage is required (only an explicit `false` turns it off). */
  readonly requireClientAuth: boolean
  /** Whether a fingerprint (Node's colon-separated hex) is pinned; true when nothing is pinned. */
  readonly fingerprintMatches: (fingerprint256: string) => boolean
  /** Whether the names satisfy the subject and SAN rules; true when there are none. */
  readonly namesMatch: (names: CertificateNames) => boolean
}

type X509CertificateClass = new (data: Uint8Array | string) => X509CertificateLike

/** Found lazily, because a static `node:crypto` import would break core on fetch runtimes. */
function x509CertificateClass(): X509CertificateClass {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  const crypto = runtime?.getBuiltinModule?.('node:crypto') as { X509Certificate?: X509CertificateClass } | undefined
  if (typeof crypto?.X509Certificate !== 'function') throw new Error('mutual TLS needs a runtime with node:crypto')
  return crypto.X509Certificate
}

const pemCertificate = /-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g

// Node's X509Certificate reads only the first block of a PEM bundle, so the bundle is split first.
function parseAuthorities(X509Certificate: X509CertificateClass, ca: readonly string[]): X509CertificateLike[] {
  if (!Array.isArray(ca) || ca.length === 0) throw new Error('ca: give at least one CA certificate')
  return ca.flatMap((pem, index) => {
    const blocks = typeof pem === 'string' ? pem.match(pemCertificate) : null
    if (blocks === null) throw new Error(`ca[${index}]: no PEM certificate found`)
    return blocks.map((block, position) => {
      try {
        return new X509Certificate(block)
      } catch {
        throw new Error(`ca[${index}]: certificate ${position + 1} cannot be parsed`)
      }
    })
  })
}

const normalizeFingerprint = (fingerprint: string) => fingerprint.replaceAll(':', '').toUpperCase()

function compileFingerprints(fingerprints: readonly string[] | undefined): (fingerprint256: string) => boolean {
  if (fingerprints === undefined) return () => true
  if (fingerprints.length === 0) throw new Error('fingerprints: give at least one, or leave it out')
  const pins = new Set(
    fingerprints.map((pin, index) => {
      const normalized = typeof pin === 'string' ? normalizeFingerprint(pin.trim()) : ''
      if (!/^[0-9A-F]{64}$/.test(normalized)) throw new Error(`fingerprints[${index}]: not a SHA-256 fingerprint`)
      return normalized
    }),
  )
  return (fingerprint256) => pins.has(normalizeFingerprint(fingerprint256))
}

type Matcher = (value: string) => boolean

/**
 * A glob where `*` stands for any run of characters (none included), matched over the whole value.
 * Matched by scanning rather than by a regex, so a pattern with many `*` cannot backtrack badly.
 */
function compileGlob(pattern: unknown, path: string, ignoreCase: boolean): Matcher {
  if (typeof pattern !== 'string' || pattern === '' || pattern.length > 1024) {
    throw new Error(`${path}: give a non-empty pattern of at most 1024 characters`)
  }
  if (/\p{Cc}/u.test(pattern)) throw new Error(`${path}: control characters are not allowed`)
  const fold = (text: string) => (ignoreCase ? text.toLowerCase() : text)
  const parts = fold(pattern).split('*')
  const first = parts[0] ?? ''
  const last = parts.length > 1 ? (parts[parts.length - 1] ?? '') : ''
  if (parts.length === 1) return (value) => fold(value) === first
  const middle = parts.slice(1, -1).filter((part) => part !== '')
  return (input) => {
    const value = fold(input)
    const end = value.length - last.length
    if (end < first.length || !value.startsWith(first) || !value.endsWith(last)) return false
    let position = first.length
    for (const part of middle) {
      const found = value.indexOf(part, position)
      if (found === -1 || found + part.length > end) return false
      position = found + part.length
    }
    return true
  }
}

function compileList(patterns: readonly string[] | undefined, path: string, ignoreCase = false): Matcher | undefined {
  if (patterns === undefined) return undefined
  if (!Array.isArray(patterns) || patterns.length === 0) throw new Error(`${path}: give at least one pattern`)
  const matchers = patterns.map((pattern, index) => compileGlob(pattern, `${path}[${index}]`, ignoreCase))
  return (value) => matchers.some((matches) => matches(value))
}

function compileNameRules(policy: CertificatePolicy): (names: CertificateNames) => boolean {
  const { subject, subjectAltName } = policy
  // An empty rule object is most likely a mistake; refusing it beats silently accepting everyone.
  if (subject !== undefined && subject.commonName === undefined && subject.organization === undefined) {
    throw new Error('subject: give commonName or organization')
  }
  const commonName = compileList(subject?.commonName, 'subject.commonName')
  const organization = compileList(subject?.organization, 'subject.organization')
  const sanRules = (['dns', 'uri', 'email'] as const).flatMap((kind) => {
    // DNS names are case-insensitive; URIs and mailboxes keep their case.
    const matches = compileList(subjectAltName?.[kind], `subjectAltName.${kind}`, kind === 'dns')
    return matches === undefined ? [] : [{ kind, matches }]
  })
  if (subjectAltName !== undefined && sanRules.length === 0) {
    throw new Error('subjectAltName: give at least one of dns, uri, email')
  }
  return (names) => {
    if (commonName !== undefined && (names.commonName === undefined || !commonName(names.commonName))) return false
    if (organization !== undefined && !names.organizations.some(organization)) return false
    if (sanRules.length === 0) return true
    return sanRules.some(({ kind, matches }) => names.subjectAltNames[kind].some(matches))
  }
}

/**
 * Checks a policy and compiles it once: CAs parsed, pins normalised, patterns compiled. Throws a
 * plain `Error` whose message names the offending field (the caller wraps it in a `ConfigError`).
 */
export function compileCertificatePolicy(policy: CertificatePolicy): CompiledCertificatePolicy {
  const X509Certificate = x509CertificateClass()
  return {
    parse: (der) => new X509Certificate(der),
    authorities: parseAuthorities(X509Certificate, policy.ca),
    requireClientAuth: policy.requireClientAuth !== false,
    fingerprintMatches: compileFingerprints(policy.fingerprints),
    namesMatch: compileNameRules(policy),
  }
}
