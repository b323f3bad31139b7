import { GatewayError } from '../errors/gateway-error'
import { bodyTooLarge } from '../request/body'
import type { TargetRejection } from '../request/canonical-path'
import type { GatewayContext } from './context'
import { deny, proceed, type Stage } from './stage'

/** The built-in stages of the `receive` phase; they run before any other stage. */
export function createReceiveStages(
  targetRejection: (ctx: GatewayContext) => TargetRejection | undefined,
  maxBodyBytes: number,
): Stage[] {
  const requestTarget: Stage = {
    name: 'request-target',
    phase: 'receive',
    run(ctx) {
      const rejection = targetRejection(ctx)
      return rejection === undefined ? proceed : deny(new GatewayError(rejection.code, { detail: rejection.detail }))
    },
  }
  // One stage for the body's framing and declared size: both read the same two headers.
  const bodyFraming: Stage = {
    name: 'body-framing',
    phase: 'receive',
    run(ctx) {
      const { headers, body } = ctx.request
      const problem = framingProblem(headers.get('content-length'), headers.get('transfer-encoding'))
      if (problem !== undefined) return deny(new GatewayError('request.ambiguous_framing', { detail: problem }))
      const declared = body.declaredLength
      return declared !== undefined && declared > maxBodyBytes ? deny(bodyTooLarge(maxBodyBytes)) : proceed
    },
  }
  return [requestTarget, bodyFraming]
}

/**
 * Why a request's framing is ambiguous (the forms request smuggling uses), or `undefined`: both
 * lengths, several different or malformed `Content-Length` values, a coding list not ending in `chunked`.
 */
function framingProblem(length: string | null, coding: string | null): string | undefined {
  if (length !== null && coding !== null) return 'The request has both Content-Length and Transfer-Encoding.'
  if (length !== null) {
    const values = length.split(',').map((value) => value.trim())
    if (values.some((value) => !/^\d+$/.test(value))) return 'The Content-Length is not a number.'
    if (new Set(values).size > 1) return 'The request has several different Content-Length values.'
  }
  if (coding !== null && !/(?:^|,)[ \t]*chunked[ \t]*$/i.test(coding))
    return 'The Transfer-Encoding does not end in chunked.'
  return undefined
}
