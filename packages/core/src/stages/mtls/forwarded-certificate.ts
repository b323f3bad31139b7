import type { RequestHeaders } from '../../request/request-headers'

/** How a trusted TLS terminator forwards the client certificate: Envoy XFCC, nginx, or RFC 9440. */
export type ForwardedCertificateFormat = 'xfcc' | 'nginx' | 'rfc9440'

/** A client certificate read from forwarded headers: raw DER, not yet verified. */
export interface ForwardedCertificate {
  /** The client's certificate, DER. */
  readonly leaf: Uint8Array
  /** The intermediates the proxy forwarded, DER, the leaf's issuer first (may be empty). */
  readonly chain: readonly Uint8Array[]
}

/** What {@link readForwardedCertificate} found: nothing, a certificate, or a header it refused. */
export type ForwardedCertificateResult =
  | { readonly present: false }
  | { readonly present: true; readonly certificate: ForwardedCertificate }
  | { readonly present: true; readonly error: string }

const defaultHeader: Readonly<Record<ForwardedCertificateFormat, string>> = {
  xfcc: 'x-forwarded-client-cert',
  nginx: 'x-ssl-client-cert',
  rfc9440: 'client-cert',
}
// RFC 9440 names the chain header; only the leaf header is configurable.
const rfc9440ChainHeader = 'client-cert-chain'
const maxHeaderLength = 16 * 1024
const maxChainLength = 5

/** A refusal whose message is a fixed string, never a piece of the input. */
class Malformed extends Error {}

const absent: ForwardedCertificateResult = { present: false }

/**
 * The lowercase header names a format reads, so the engine can strip them from requests whose peer is
 * not a trusted proxy. `header` overrides the leaf header's default name.
 */
export function forwardedCertificateHeaders(format: ForwardedCertificateFormat, header?: string): readonly string[] {
  const leaf = (header ?? defaultHeader[format]).toLowerCase()
  if (format !== 'rfc9440' || leaf === rfc9440ChainHeader) return [leaf]
  return [leaf, rfc9440ChainHeader]
}

/**
 * Reads the client certificate a trusted proxy forwarded. Only the encoding is checked here; the caller
 * must still verify the chain, since the proxy may not have (nginx `optional_no_ca`, Envoy
 * `ACCEPT_UNTRUSTED`). Never throws: a header that cannot be read is `{ present: true, error }`.
 */
export function readForwardedCertificate(
  headers: RequestHeaders,
  format: ForwardedCertificateFormat,
  header?: string,
): ForwardedCertificateResult {
  try {
    const [leafHeader = '', chainHeader] = forwardedCertificateHeaders(format, header)
    const value = headers.get(leafHeader)
    // nginx sends an empty value (or `-` in log-style configs) when the client presented no certificate.
    if (value === null || value.trim() === '' || (format === 'nginx' && value.trim() === '-')) return absent
    const certificate =
      format === 'xfcc'
        ? fromXfcc(bounded(value))
        : format === 'nginx'
          ? { leaf: onePem(percentDecode(bounded(value))), chain: [] }
          : fromRfc9440(bounded(value), chainHeader === undefined ? null : headers.get(chainHeader))
    if (certificate.chain.length > maxChainLength) throw new Malformed('certificate chain is longer than 5')
    return { present: true, certificate }
  } catch (error) {
    return { present: true, error: error instanceof Malformed ? error.message : 'certificate header is unreadable' }
  }
}

function bounded(value: string): string {
  if (value.length > maxHeaderLength) throw new Malformed('certificate header is over 16 KiB')
  return value
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new Malformed('certificate is not valid percent-encoding')
  }
}

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

// Checked first, because `atob` skips whitespace and tolerates junk. Missing padding is accepted:
// RFC 8941 §4.2.7 asks structured-field parsers not to fail on it, and PEM always has it anyway.
function base64Decode(text: string): Uint8Array {
  const padded = text.length % 4 === 0 ? text : text + '='.repeat(4 - (text.length % 4))
  if (text.length === 0 || !base64.test(padded)) throw new Malformed('certificate is not valid base64')
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0))
}

const pemCertificate = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g

/** The DER of every certificate block in PEM text; other block types are skipped. */
function pemCertificates(pem: string): Uint8Array[] {
  const ders: Uint8Array[] = []
  for (const match of pem.matchAll(pemCertificate)) {
    if (ders.length > maxChainLength) throw new Malformed('certificate chain is longer than 5')
    ders.push(base64Decode((match[1] ?? '').replace(/\s/g, '')))
  }
  if (ders.length === 0) throw new Malformed('no PEM certificate found')
  return ders
}

function onePem(pem: string): Uint8Array {
  const [leaf, ...rest] = pemCertificates(pem)
  if (leaf === undefined || rest.length > 0) throw new Malformed('expected exactly one PEM certificate')
  return leaf
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i])

/**
 * Envoy XFCC: comma-separated elements of `;`-separated `key=value` pairs, values double-quoted when
 * they hold `,`, `;` or `=`, with `\"` inside quotes. Only the first element counts: it describes the
 * original client, and every later proxy appends its own.
 */
function fromXfcc(value: string): ForwardedCertificate {
  const pairs = firstXfccElement(value)
  const cert = pairs.get('cert')
  const chainPem = pairs.get('chain')
  // A Hash or Subject alone cannot be re-verified, so it is not accepted as a certificate.
  if (cert === undefined && chainPem === undefined) throw new Malformed('XFCC element has no certificate')
  const chain = chainPem === undefined ? [] : pemCertificates(percentDecode(chainPem))
  // Envoy's Chain starts with the leaf itself; with Chain alone, that is where the leaf is.
  const leaf = cert === undefined ? chain[0] : onePem(percentDecode(cert))
  if (leaf === undefined) throw new Malformed('XFCC element has no certificate')
  return { leaf, chain: chain[0] !== undefined && sameBytes(chain[0], leaf) ? chain.slice(1) : chain }
}

function firstXfccElement(value: string): Map<string, string> {
  const pairs = new Map<string, string>()
  let start = 0
  let inQuotes = false
  for (let i = 0; i <= value.length; i++) {
    const char = value[i]
    if (inQuotes) {
      if (char === undefined) throw new Malformed('XFCC header has an unterminated quote')
      if (char === '\\') i++
      else if (char === '"') inQuotes = false
    } else if (char === '"') {
      inQuotes = true
    } else if (char === ';' || char === ',' || char === undefined) {
      addXfccPair(pairs, value.slice(start, i))
      if (char !== ';') break
      start = i + 1
    }
  }
  return pairs
}

function addXfccPair(pairs: Map<string, string>, pair: string): void {
  if (pair.trim() === '') return
  const equals = pair.indexOf('=')
  const key = pair.slice(0, equals).trim().toLowerCase()
  let value = pair.slice(equals + 1).trim()
  if (equals <= 0 || !/^[a-z]+$/.test(key)) throw new Malformed('XFCC header is malformed')
  if (value.startsWith('"')) {
    if (value.length < 2 || !value.endsWith('"')) throw new Malformed('XFCC header is malformed')
    value = value.slice(1, -1).replace(/\\(.)/g, '$1')
  } else if (value.includes('"')) {
    throw new Malformed('XFCC header is malformed')
  }
  // Several URI and DNS pairs are normal; two certificates in one element are ambiguous.
  if ((key === 'cert' || key === 'chain') && pairs.has(key)) throw new Malformed('XFCC element repeats a certificate')
  pairs.set(key, value)
}

/** RFC 9440: `Client-Cert` is a structured-field byte sequence, `Client-Cert-Chain` a list of them. */
function fromRfc9440(value: string, chainValue: string | null): ForwardedCertificate {
  const leaf = new FieldCursor(value)
  const certificate = leaf.byteSequenceItem()
  leaf.end()
  const chain: Uint8Array[] = []
  if (chainValue !== null && chainValue.trim() !== '') {
    const list = new FieldCursor(bounded(chainValue))
    do {
      if (chain.length === maxChainLength) throw new Malformed('certificate chain is longer than 5')
      chain.push(list.byteSequenceItem())
    } while (list.nextListMember())
    list.end()
  }
  return { leaf: certificate, chain }
}

// A parameter's value may be any bare item (RFC 8941 §3.3); it is checked, then ignored.
const bareItem =
  /"(?:[^"\\]|\\["\\])*"|:[A-Za-z0-9+/=]*:|\?[01]|-?\d{1,15}(?:\.\d{1,3})?|[A-Za-z*][-!#$%&'*+.^_`|~\w:/]*/y
const parameterKey = /[a-z*][a-z0-9_\-.*]*/y

/** Just enough of an RFC 8941 parser for byte sequences, their parameters, and lists of them. */
class FieldCursor {
  private position = 0

  constructor(private readonly text: string) {
    this.skip(/ */y)
  }

  byteSequenceItem(): Uint8Array {
    if (this.text[this.position] !== ':') throw new Malformed('certificate field is not a byte sequence')
    const close = this.text.indexOf(':', this.position + 1)
    if (close === -1) throw new Malformed('certificate field is not a byte sequence')
    const bytes = base64Decode(this.text.slice(this.position + 1, close))
    this.position = close + 1
    while (this.text[this.position] === ';') {
      this.position++
      this.skip(/ */y)
      if (!this.skip(parameterKey)) throw new Malformed('certificate field has a malformed parameter')
      if (this.text[this.position] === '=') {
        this.position++
        if (!this.skip(bareItem)) throw new Malformed('certificate field has a malformed parameter')
      }
    }
    return bytes
  }

  /** Moves past the comma between list members; false at the end of the list. */
  nextListMember(): boolean {
    this.skip(/[ \t]*/y)
    if (this.position === this.text.length) return false
    if (this.text[this.position] !== ',') throw new Malformed('certificate chain is not a list of byte sequences')
    this.position++
    this.skip(/[ \t]*/y)
    if (this.position === this.text.length) throw new Malformed('certificate chain is not a list of byte sequences')
    return true
  }

  end(): void {
    this.skip(/ */y)
    if (this.position !== this.text.length) throw new Malformed('certificate field has trailing characters')
  }

  private skip(pattern: RegExp): boolean {
    pattern.lastIndex = this.position
    if (!pattern.test(this.text)) return false
    this.position = pattern.lastIndex
    return true
  }
}
