import type { Clock } from '../../engine/clock'
import type { Principal } from '../../engine/principal'
import { GatewayError } from '../../errors/gateway-error'
import type { AuthMethod, AuthResult } from '../auth/auth-method'
import type { CompiledCertificatePolicy } from './certificate-policy'
import type { ClientCertificate } from './client-certificate'
import {
  type ForwardedCertificateFormat,
  forwardedCertificateHeaders,
  readForwardedCertificate,
} from './forwarded-certificate'
import { verifyClientCertificate } from './verify-client-certificate'

/** Which part of the certificate names the consumer. */
export type CertificateConsumer = 'subject.cn' | 'san.uri' | 'san.dns' | 'san.email' | 'fingerprint'

/** Options of {@link mtlsMethod}. */
export interface MtlsMethodOptions {
  readonly policy: CompiledCertificatePolicy
  /** Read the certificate from a trusted TLS terminator's header instead of (or as well as) the socket. */
  readonly forwarded: { readonly format: ForwardedCertificateFormat; readonly header?: string | undefined } | undefined
  readonly consumer: CertificateConsumer
  /** Groups every certificate-authenticated caller gets. */
  readonly groups: readonly string[]
  readonly clock: Clock
}

function consumerOf(certificate: ClientCertificate, from: CertificateConsumer): string {
  const names = certificate.subjectAltNames
  const named =
    from === 'subject.cn'
      ? certificate.commonName
      : from === 'san.uri'
        ? names.uri[0]
        : from === 'san.dns'
          ? names.dns[0]
          : from === 'san.email'
            ? names.email[0]
            : undefined
  return named ?? certificate.fingerprint256
}

// OpenSSL's verdicts that have a reason of their own; every other one means "untrusted".
const tlsRejectionReasons: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not_yet_valid',
  INVALID_PURPOSE: 'no_client_auth',
}

const rejected = (detail: string, reason: string): AuthResult => ({
  ok: false,
  error: new GatewayError('mtls.certificate_rejected', {
    detail: `The client certificate was rejected: ${detail}.`,
    extensions: { reason },
  }),
})

/**
 * Mutual TLS: the client certificate from the TLS socket (which Node must have verified, and which
 * must be present: an empty peer certificate never passes), or from a trusted TLS terminator's
 * header, which is accepted only from a trusted proxy and verified again here, because terminators
 * can be set to pass certificates they did not verify.
 */
export function mtlsMethod(options: MtlsMethodOptions): AuthMethod {
  const { policy, forwarded, clock } = options
  // present() and authenticate() both need the header: read it once per request.
  const readHeaders = new WeakMap<object, ReturnType<typeof readForwardedCertificate> | undefined>()
  const fromProxy = (ctx: Parameters<AuthMethod['present']>[0]) => {
    if (forwarded === undefined || !ctx.request.viaTrustedProxy) return undefined
    if (!readHeaders.has(ctx))
      readHeaders.set(ctx, readForwardedCertificate(ctx.request.headers, forwarded.format, forwarded.header))
    return readHeaders.get(ctx)
  }
  const principalFor = (certificate: ClientCertificate): Principal => ({
    consumer: consumerOf(certificate, options.consumer),
    groups: options.groups,
    scopes: [],
    claims: { certificate: { subject: certificate.subject, fingerprint256: certificate.fingerprint256 } },
    credential: 'mtls',
    certificate,
  })
  return {
    name: 'mtls',
    challenge: undefined,
    proxyHeaders: forwarded === undefined ? [] : forwardedCertificateHeaders(forwarded.format, forwarded.header),
    present(ctx) {
      if (fromProxy(ctx)?.present === true) return true
      return ctx.request.tls?.peerCertificate() !== undefined
    },
    async authenticate(ctx) {
      const header = fromProxy(ctx)
      if (header?.present === true) {
        if ('error' in header) return rejected('the forwarded certificate cannot be read', 'malformed')
        const verified = verifyClientCertificate(
          header.certificate.leaf,
          header.certificate.chain,
          policy,
          clock.now(),
          forwarded?.format ?? 'xfcc',
        )
        return verified.ok
          ? { ok: true, principal: principalFor(verified.certificate) }
          : rejected(verified.detail, verified.reason)
      }
      const tls = ctx.request.tls
      const peer = tls?.peerCertificate()
      if (tls === undefined || peer === undefined) {
        return {
          ok: false,
          error: new GatewayError('mtls.certificate_required', { detail: 'This route needs a client certificate.' }),
        }
      }
      if (!tls.authorized) {
        const reason = tlsRejectionReasons[tls.authorizationError ?? ''] ?? 'untrusted'
        return rejected('the TLS layer did not verify it', reason)
      }
      const verified = verifyClientCertificate(peer.raw, [], policy, clock.now(), 'tls')
      return verified.ok
        ? { ok: true, principal: principalFor(verified.certificate) }
        : rejected(verified.detail, verified.reason)
    },
  }
}
