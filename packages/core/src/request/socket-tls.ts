import type { PeerCertificate, TlsInfo } from './tls-info'

/**
 * The parts of a Node `TLSSocket` read here, typed structurally so that core imports nothing
 * from Node (the Hono adapter reads `c.env.incoming.socket` on @hono/node-server this way).
 */
export interface TlsSocketLike {
  readonly encrypted?: boolean
  readonly authorized?: boolean
  readonly authorizationError?: unknown
  /** Node's `X509Certificate` has every field of {@link PeerCertificate}. */
  getPeerX509Certificate?(): PeerCertificate | undefined
  getProtocol?(): string | null
}

const cache = new WeakMap<object, TlsInfo>()

/** Copies the fields out, so the request view holds no live Node object. */
function toPeerCertificate(certificate: PeerCertificate): PeerCertificate {
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    subjectAltName: certificate.subjectAltName,
    serialNumber: certificate.serialNumber,
    fingerprint256: certificate.fingerprint256,
    validFrom: certificate.validFrom,
    validTo: certificate.validTo,
    raw: new Uint8Array(certificate.raw),
  }
}

/**
 * What a Node-style socket's TLS layer says about the client, or `undefined` for plain TCP.
 * Computed once per connection. `authorized` also requires that a certificate is present: Node has
 * reported `authorized` for a TLS 1.3 resumption of a session that presented none.
 */
export function tlsInfoFromSocket(socket: TlsSocketLike | null | undefined): TlsInfo | undefined {
  if (socket === null || socket === undefined || socket.encrypted !== true) return undefined
  const known = cache.get(socket)
  if (known !== undefined) return known
  const x509 = socket.getPeerX509Certificate?.()
  const certificate = x509 === undefined ? undefined : toPeerCertificate(x509)
  const error = socket.authorizationError
  const info: TlsInfo = {
    authorized: socket.authorized === true && certificate !== undefined,
    authorizationError:
      error === null || error === undefined ? undefined : String((error as { code?: string }).code ?? error),
    protocol: socket.getProtocol?.() ?? undefined,
    peerCertificate: () => certificate,
  }
  cache.set(socket, info)
  return info
}
