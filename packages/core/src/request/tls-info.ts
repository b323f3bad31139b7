/** The parts of a TLS peer certificate stages read; adapters map their runtime's certificate onto it. */
export interface PeerCertificate {
  /** The subject distinguished name, e.g. `CN=client-1\nO=Acme` (Node's format). */
  readonly subject: string
  /** The issuer distinguished name. */
  readonly issuer: string
  /** The subject alternative names, e.g. `DNS:api.example, URI:spiffe://acme/svc`. */
  readonly subjectAltName: string | undefined
  /** The serial number, uppercase hex. */
  readonly serialNumber: string
  /** The SHA-256 fingerprint, colon-separated uppercase hex. */
  readonly fingerprint256: string
  /** The start of validity, as the certificate states it. */
  readonly validFrom: string
  /** The end of validity, as the certificate states it. */
  readonly validTo: string
  /** The DER encoding of the certificate. */
  readonly raw: Uint8Array
}

/** What the connection's TLS layer says about the client. */
export interface TlsInfo {
  /** Whether the client presented a certificate that verified against the server's CAs. */
  readonly authorized: boolean
  /** Why verification failed, when it did (e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`). */
  readonly authorizationError: string | undefined
  /** The negotiated protocol, e.g. `TLSv1.3`. */
  readonly protocol: string | undefined
  /** The client's certificate, read lazily; `undefined` when it presented none. */
  peerCertificate(): PeerCertificate | undefined
}
