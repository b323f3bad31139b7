import type { GatewayContext } from '../../engine/context'
import { GatewayError } from '../../errors/gateway-error'
import type { HealthChecker } from './health-checker'
import type { OnwardBody } from './onward-body'
import { downstreamResponseHeaders } from './proxy-headers'
import { targetUrl, type UpstreamPool, type UpstreamTarget } from './upstream-pool'
import { UpstreamFailure } from './upstream-transport'

/** An upstream as routes use it: its pool of targets and how calls to it behave. */
export interface CompiledUpstream {
  readonly pool: UpstreamPool
  /** Further tries after a failed one, for requests that may be sent again. */
  readonly retries: number
  /** `upstream` (the target's host), `preserve` (the client's), or a fixed host. */
  readonly hostHeader: string
  readonly health: HealthChecker | undefined
}

/** The request a route sends: the onward target, headers and body. */
export interface UpstreamCall {
  readonly target: string
  readonly headers: Headers
  readonly body: OnwardBody
}

/** An upstream's (or a handler's) answer, its headers cleaned of hop-by-hop ones. */
export interface UpstreamAnswer {
  readonly status: number
  readonly headers: Headers
  readonly body: ReadableStream<Uint8Array> | null
  /** A handler's own response, when its headers are the ones above (edited in place). */
  readonly response?: Response
  /** The upstream target's origin that answered. */
  readonly origin?: string
}

// RFC 9110 §9.2.2: a retry may repeat these.
const idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'])
// Answers that count against a target's health (the target, or what is behind it, is failing).
const unhealthyStatuses = new Set([502, 503, 504])

/**
 * Sends a request to one of the upstream's targets. A failure before any response started (refused,
 * reset, timed out) is tried again on another target when the method is idempotent and the body can be
 * sent again, up to `retries` times; redirects are handed back, never followed. Rejects with a
 * {@link GatewayError}: 502 `route.upstream_failed`, 504 `route.upstream_timeout`, 503
 * `route.no_healthy_upstream`, or the body's own error (413 for a body over the limit).
 */
export async function callUpstream(
  upstream: CompiledUpstream,
  ctx: GatewayContext,
  call: UpstreamCall,
): Promise<UpstreamAnswer> {
  const { pool } = upstream
  const { method } = ctx.request
  const streamed = isStream(call.body.source)
  const repeatable = idempotent.has(method) && !streamed
  const declared = ctx.request.body.declaredLength
  const streamedLength = streamed && declared !== undefined ? String(declared) : undefined
  const tried = new Set<UpstreamTarget>()
  let lastFailure: unknown
  for (let attempt = 0; attempt <= upstream.retries; attempt++) {
    const target = pool.pick(tried)
    if (target === undefined) break
    tried.add(target)
    const url = targetUrl(target, call.target)
    if (url === undefined) throw new GatewayError('request.target_form', { detail: 'The path cannot be sent on.' })
    const headers = [...call.headers]
    headers.push(['host', hostHeaderFor(upstream.hostHeader, target, ctx)])
    // A streamed body keeps the length the client declared (the transport checks it), not chunked.
    if (streamedLength !== undefined) headers.push(['content-length', streamedLength])
    target.inFlight++
    try {
      const response = await target.transport.send({
        url,
        method,
        headers,
        body: call.body.source,
        signal: ctx.request.signal,
      })
      if (unhealthyStatuses.has(response.status)) pool.failed(target)
      else pool.succeeded(target)
      if (response.status < 200 || response.status > 599) {
        await response.body?.cancel().catch(() => {})
        throw new UpstreamFailure('protocol', `The upstream answered with status ${response.status}.`)
      }
      return {
        status: response.status,
        headers: downstreamResponseHeaders(response.headers),
        body: response.body,
        origin: target.origin,
      }
    } catch (error) {
      const bodyError = call.body.error()
      if (bodyError !== undefined) throw bodyError
      // The client went away: nothing to answer, and not the target's fault.
      if (ctx.request.signal?.aborted === true) throw clientGone(error)
      if (!(error instanceof UpstreamFailure && error.kind === 'protocol')) pool.failed(target)
      lastFailure = error
      if (!repeatable) break
    } finally {
      target.inFlight--
    }
  }
  if (lastFailure === undefined) {
    const retryAfter = Math.max(1, Math.ceil(pool.nextReturnMs() / 1000))
    throw new GatewayError('route.no_healthy_upstream', {
      detail: `No target of the "${pool.name}" upstream is in service.`,
      headers: { 'retry-after': String(retryAfter) },
    })
  }
  throw toGatewayError(lastFailure, pool.name)
}

const isStream = (body: OnwardBody['source']) => body !== undefined && !(body instanceof Uint8Array)

function hostHeaderFor(setting: string, target: UpstreamTarget, ctx: GatewayContext): string {
  if (setting === 'upstream') return target.host
  if (setting === 'preserve') return ctx.request.headers.get('host') ?? target.host
  return setting
}

function clientGone(cause: unknown): GatewayError {
  return new GatewayError('request.body_incomplete', { detail: 'The client went away.', cause })
}

function toGatewayError(failure: unknown, upstream: string): GatewayError {
  if (
    failure instanceof UpstreamFailure &&
    (failure.kind === 'connect-timeout' || failure.kind === 'headers-timeout')
  ) {
    return new GatewayError('route.upstream_timeout', {
      detail: `The "${upstream}" upstream did not answer in time.`,
      cause: failure,
    })
  }
  return new GatewayError('route.upstream_failed', {
    detail: `The "${upstream}" upstream could not be reached or gave no valid answer.`,
    cause: failure,
  })
}
