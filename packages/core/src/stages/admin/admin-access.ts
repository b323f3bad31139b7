import type { AdminConfig } from '../../config/sections/admin-schema'
import type { GatewayContext } from '../../engine/context'
import { GatewayError } from '../../errors/gateway-error'
import { compileProxyTrust } from '../../request/client-ip'
import { parseIpAddress } from '../../request/ip-address'

/** Wrong tokens one address may send per minute before it is refused for the rest of the minute. */
const maxFailures = 10
const failureWindowMs = 60_000
/** Addresses whose failures are remembered; past this the oldest are forgotten. */
const maxTrackedAddresses = 10_000

const encoder = new TextEncoder()

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
}

/** Compares two digests in time independent of where they differ. */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return difference === 0
}

const fingerprintOf = (text: string) => text.replace(/:/g, '').toUpperCase()

/** Who may reach the admin API: the address list, the client certificate, then the bearer token. */
export class AdminAccess {
  readonly #tokenDigest: Promise<Uint8Array>
  readonly #allows: ((ip: string | undefined) => boolean) | undefined
  readonly #mtls: AdminConfig['mtls']
  readonly #pinned: ReadonlySet<string> | undefined
  readonly #now: () => number
  /** Wrong tokens per address in the current minute; a Map keeps insertion order, oldest first. */
  readonly #failures = new Map<string, { count: number; resetAt: number }>()

  constructor(config: AdminConfig, now: () => number) {
    this.#tokenDigest = sha256(config.token)
    this.#now = now
    if (config.allow !== undefined) {
      const trust = compileProxyTrust(config.allow)
      this.#allows = (ip) => {
        const address = ip === undefined ? undefined : parseIpAddress(ip)
        return address !== undefined && trust.trusts(address, 0)
      }
    }
    this.#mtls = config.mtls
    this.#pinned = typeof config.mtls === 'object' ? new Set(config.mtls.fingerprints.map(fingerprintOf)) : undefined
  }

  /** Refuses a connection the admin API is closed to (address, client certificate); page and API alike. */
  checkConnection(ctx: GatewayContext): void {
    if (this.#allows !== undefined && !this.#allows(ctx.request.ip))
      throw new GatewayError('admin.forbidden', { detail: 'The admin API is not open to this address.' })
    if (this.#mtls === undefined || this.#mtls === false) return
    const tls = ctx.request.tls
    const certificate = tls?.authorized === true ? tls.peerCertificate() : undefined
    if (certificate === undefined)
      throw new GatewayError('admin.forbidden', {
        detail: 'The admin API needs a client certificate the server verified.',
      })
    if (this.#pinned !== undefined && !this.#pinned.has(fingerprintOf(certificate.fingerprint256)))
      throw new GatewayError('admin.forbidden', { detail: 'This client certificate is not one the admin API accepts.' })
  }

  /** Refuses a call without the admin token; too many wrong tokens from one address refuse it for a while. */
  async checkToken(ctx: GatewayContext): Promise<void> {
    const address = ctx.request.ip ?? 'unknown'
    const now = this.#now()
    const failures = this.#failures.get(address)
    if (failures !== undefined && failures.resetAt <= now) this.#failures.delete(address)
    else if (failures !== undefined && failures.count >= maxFailures) {
      const retryAfter = Math.max(1, Math.ceil((failures.resetAt - now) / 1000))
      throw new GatewayError('admin.too_many_attempts', {
        detail: `Too many wrong admin tokens from this address; retry in ${retryAfter} s.`,
        headers: { 'retry-after': String(retryAfter) },
      })
    }
    const header = ctx.request.headers.get('authorization')
    const match = header === null ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)
    if (match === null)
      throw new GatewayError('admin.unauthorized', {
        detail: 'Send the admin token as Authorization: Bearer <token>.',
        headers: { 'www-authenticate': 'Bearer realm="portcullis-admin"' },
      })
    if (sameDigest(await sha256(match[1] as string), await this.#tokenDigest)) return
    this.#recordFailure(address, now)
    throw new GatewayError('admin.unauthorized', {
      detail: 'The admin token is not right.',
      headers: { 'www-authenticate': 'Bearer realm="portcullis-admin", error="invalid_token"' },
    })
  }

  #recordFailure(address: string, now: number): void {
    const current = this.#failures.get(address)
    if (current !== undefined) {
      current.count++
      return
    }
    if (this.#failures.size >= maxTrackedAddresses) {
      const oldest = this.#failures.keys().next().value
      if (oldest !== undefined) this.#failures.delete(oldest)
    }
    this.#failures.set(address, { count: 1, resetAt: now + failureWindowMs })
  }
}
