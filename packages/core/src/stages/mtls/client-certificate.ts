/** A client certificate that passed verification, as the principal carries it. */
export interface ClientCertificate {
  /** The subject distinguished name, one `KEY=value` per line (Node's format). */
  readonly subject: string
  /** The subject's common name, when it has one. */
  readonly commonName: string | undefined
  /** The issuer distinguished name. */
  readonly issuer: string
  /** The subject alternative names, by kind. */
  readonly subjectAltNames: {
    readonly dns: readonly string[]
    readonly uri: readonly string[]
    readonly email: readonly string[]
    readonly ip: readonly string[]
  }
  /** SHA-256 fingerprint of the DER, colon-separated uppercase hex (e.g. `AB:CD:…`). */
  readonly fingerprint256: string
  /** The serial number, uppercase hex. */
  readonly serialNumber: string
  /** Start of validity. */
  readonly validFrom: Date
  /** End of validity. */
  readonly validTo: Date
  /** Where the certificate came from: the TLS socket, or a header set by a trusted TLS terminator. */
  readonly source: 'tls' | 'xfcc' | 'nginx' | 'rfc9440'
}
