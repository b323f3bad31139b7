import { createLocalJWKSet } from 'jose'
import { parseDuration } from '../../config/duration'
import type { GatewayConfig } from '../../config/schema'
import { jwtIssuerFields } from '../../config/sections/auth-schema'
import { readTextSource } from '../../config/text-source'
import { nodeBuiltin } from '../../crypto/node-builtin'
import type { AuthMethod } from '../auth/auth-method'
import type { BuildContext } from '../build-context'
import { type IssuerKeys, JwtIssuer } from './jwt-issuer'
import { jwtMethod } from './jwt-method'
import { RemoteKeySet } from './remote-key-set'
import { VerifiedTokenCache } from './verified-token-cache'

type JwtConfig = NonNullable<NonNullable<GatewayConfig['auth']>['jwt']>
type IssuerConfig = Pick<JwtConfig, keyof typeof jwtIssuerFields>

// RFC 7518 §3.2: an HMAC key must be at least as long as the hash output.
const minimumSecretBytes: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 }
const defaultClockTolerance = '5s'

interface NodeCrypto {
  createPublicKey(key: string): unknown
}

/** Reads and checks one issuer's key source; records problems under `path`. */
function issuerKeys(
  config: IssuerConfig,
  path: string,
  build: BuildContext,
  keySetOptions: KeySetOptions,
  onChange: () => void,
): IssuerKeys | undefined {
  const sources = (['jwksUri', 'discovery', 'jwks', 'publicKey', 'secret'] as const).filter(
    (key) => config[key] !== undefined && config[key] !== false,
  )
  if (sources.length !== 1) {
    build.problem(path, 'needs exactly one key source: jwksUri, discovery, jwks, publicKey or secret')
    return undefined
  }
  const algorithms = config.algorithms ?? []
  const hmac = algorithms.filter((algorithm) => algorithm.startsWith('HS'))
  if (config.secret !== undefined) {
    if (hmac.length !== algorithms.length)
      build.problem(`${path}.algorithms`, 'must all be HS256/384/512 with a secret')
    const bytes = new TextEncoder().encode(config.secret)
    for (const algorithm of hmac) {
      if (bytes.length < (minimumSecretBytes[algorithm] as number)) {
        build.problem(`${path}.secret`, `must be at least ${minimumSecretBytes[algorithm]} bytes for ${algorithm}`)
      }
    }
    return { kind: 'secret', secret: bytes }
  }
  // An HMAC algorithm next to a public key is the classic confusion attack: refuse the config.
  if (hmac.length > 0) build.problem(`${path}.algorithms`, 'may include HS256/384/512 only with a secret')
  if (config.jwks !== undefined) {
    try {
      createLocalJWKSet(config.jwks as never)
    } catch {
      build.problem(`${path}.jwks`, 'is not a valid JWK set')
    }
    return { kind: 'jwks', jwks: config.jwks }
  }
  if (config.publicKey !== undefined) {
    const source = readTextSource(config.publicKey, build.baseDirectory)
    if ('problem' in source) {
      build.problem(`${path}.publicKey`, source.problem)
      return undefined
    }
    try {
      nodeBuiltin<NodeCrypto>('node:crypto')?.createPublicKey(source.text)
    } catch {
      build.problem(`${path}.publicKey`, 'is not a PEM public key or certificate')
    }
    return { kind: 'pem', pem: source.text }
  }
  if (config.discovery === true && config.issuer === undefined) {
    build.problem(`${path}.discovery`, 'needs issuer, whose /.well-known/openid-configuration is read')
    return undefined
  }
  const keySet = new RemoteKeySet({
    location: config.jwksUri !== undefined ? { jwksUri: config.jwksUri } : { discoveryIssuer: config.issuer as string },
    ...keySetOptions,
    onChange,
  })
  build.whenValid(() => keySet.start())
  return { kind: 'remote', keySet }
}

interface KeySetOptions {
  readonly refreshIntervalMs: number
  readonly cooldownMs: number
  readonly timeoutMs: number
}

/** Builds the JWT method from `auth.jwt` (one issuer, or `issuers`). */
export function buildJwt(
  config: JwtConfig,
  withIntrospection: boolean,
  realm: string,
  build: BuildContext,
): AuthMethod {
  const singleFields = Object.keys(jwtIssuerFields).filter((key) => config[key as keyof IssuerConfig] !== undefined)
  if (config.issuers !== undefined && singleFields.length > 0) {
    build.problem('auth.jwt', `has both issuers and ${singleFields.join(', ')}: put every issuer in issuers`)
  }
  const entries: [IssuerConfig, string][] =
    config.issuers !== undefined
      ? config.issuers.map((issuer, index) => [issuer, `auth.jwt.issuers[${index}]`])
      : [[config, 'auth.jwt']]
  const keys = config.keys ?? {}
  const keySetOptions: KeySetOptions = {
    refreshIntervalMs: parseDuration(keys.refreshInterval ?? '10m') as number,
    cooldownMs: parseDuration(keys.cooldown ?? '30s') as number,
    timeoutMs: parseDuration(keys.timeout ?? '5s') as number,
  }
  const maxEntries = config.cache?.maxEntries ?? 10_000
  const cache = maxEntries === 0 ? undefined : new VerifiedTokenCache(maxEntries, build.clock)
  const seenIssuers = new Set<string>()
  const issuers: JwtIssuer[] = []
  for (const [issuerConfig, path] of entries) {
    if (issuerConfig.algorithms === undefined)
      build.problem(`${path}.algorithms`, 'required: the accepted algorithms are never taken from the token')
    if (entries.length > 1) {
      if (issuerConfig.issuer === undefined)
        build.problem(`${path}.issuer`, 'required when several issuers are configured')
      else if (seenIssuers.has(issuerConfig.issuer)) build.problem(`${path}.issuer`, 'is configured twice')
      else seenIssuers.add(issuerConfig.issuer)
    }
    const issuerKeySet = issuerKeys(issuerConfig, path, build, keySetOptions, () => cache?.clear())
    if (issuerKeySet === undefined || issuerConfig.algorithms === undefined) continue
    issuers.push(
      new JwtIssuer({
        issuer: issuerConfig.issuer,
        audience: issuerConfig.audience,
        algorithms: issuerConfig.algorithms,
        typ: issuerConfig.typ,
        clockToleranceSeconds: (parseDuration(issuerConfig.clockTolerance ?? defaultClockTolerance) as number) / 1000,
        claims: issuerConfig.claims ?? {},
        keys: issuerKeySet,
      }),
    )
  }
  return jwtMethod({
    issuers,
    locations: config.in ?? [{ header: 'authorization' }],
    cache,
    takesOpaqueTokens: !withIntrospection,
    realm,
    clock: build.clock,
  })
}
