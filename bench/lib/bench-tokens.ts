/**
 * The ES256 key and JWTs of a benchmark run, made with node:crypto (the bench needs no JOSE library
 * of its own to sign). The servers get only the public half, as the JWK set in `BENCH_JWKS`.
 */
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchAudience, benchIssuer } from '../servers/bench-credentials'

/** An ES256 key pair, and its public half as a JWK the gateway is configured with. */
export interface BenchKey {
  readonly privateKey: KeyObject
  readonly jwk: Record<string, unknown>
}

export function benchKey(kid = 'bench-1'): BenchKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } }
}

/** A compact ES256 JWT for `subject`, valid for two hours: longer than any run. */
export function signBenchJwt(key: BenchKey, subject = 'bench-client'): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  const header = encode({ alg: 'ES256', typ: 'JWT', kid: key.jwk.kid })
  const payload = encode({
    iss: benchIssuer,
    aud: benchAudience,
    sub: subject,
    scope: 'users:read users:write',
    jti: randomUUID(),
    iat: now,
    exp: now + 7200,
  })
  // JWS wants the raw r||s signature, not the DER node:crypto gives by default.
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  })
  return `${header}.${payload}.${signature.toString('base64url')}`
}

/** The run's key, published to the servers this process starts (they inherit the environment). */
export function publishBenchKey(): BenchKey {
  const key = benchKey()
  process.env.BENCH_JWKS = JSON.stringify({ keys: [key.jwk] })
  return key
}

/**
 * Writes `count` distinct tokens (each its own `jti`, from a handful of subjects) to a file, one per
 * line, for the load generator to send one per request: every verification is a cold one.
 */
export function writeDistinctTokens(key: BenchKey, count: number): string {
  const file = join(tmpdir(), `portcullis-bench-tokens-${process.pid}.txt`)
  const tokens = Array.from({ length: count }, (_, index) => signBenchJwt(key, `bench-client-${index % 16}`))
  writeFileSync(file, tokens.join('\n'))
  return file
}
