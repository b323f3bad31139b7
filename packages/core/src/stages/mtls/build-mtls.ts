import type { GatewayConfig } from '../../config/schema'
import { readTextSource } from '../../config/text-source'
import type { AuthMethod } from '../auth/auth-method'
import type { BuildContext } from '../build-context'
import { compileCertificatePolicy } from './certificate-policy'
import { mtlsMethod } from './mtls-method'

type MtlsConfig = NonNullable<NonNullable<GatewayConfig['auth']>['mtls']>

/** Builds the mutual-TLS method from `auth.mtls`. */
export function buildMtls(config: MtlsConfig, trustsProxies: boolean, build: BuildContext): AuthMethod | undefined {
  const sources = typeof config.ca === 'string' ? [config.ca] : config.ca
  const ca: string[] = []
  sources.forEach((source, index) => {
    const read = readTextSource(source, build.baseDirectory)
    if ('problem' in read)
      build.problem(typeof config.ca === 'string' ? 'auth.mtls.ca' : `auth.mtls.ca[${index}]`, read.problem)
    else ca.push(read.text)
  })
  if (config.forwarded !== undefined && !trustsProxies) {
    build.problem(
      'auth.mtls.forwarded',
      'needs trustedProxies: the certificate header is only read from trusted proxies',
    )
  }
  if (ca.length !== sources.length) return undefined
  let policy: ReturnType<typeof compileCertificatePolicy>
  try {
    policy = compileCertificatePolicy({
      ca,
      requireClientAuth: config.requireClientAuth ?? true,
      fingerprints: config.fingerprints,
      subject: config.subject,
      subjectAltName: config.subjectAltName,
    })
  } catch (error) {
    build.problem('auth.mtls', (error as Error).message)
    return undefined
  }
  return mtlsMethod({
    policy,
    forwarded: config.forwarded,
    consumer: config.consumer ?? 'subject.cn',
    groups: config.groups ?? [],
    clock: build.clock,
  })
}
