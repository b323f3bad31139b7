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
  const bodySize: Stage = {
    name: 'body-size',
    phase: 'receive',
    run(ctx) {
      const declared = ctx.request.body.declaredLength
      return declared !== undefined && declared > maxBodyBytes ? deny(bodyTooLarge(maxBodyBytes)) : proceed
    },
  }
  return [requestTarget, bodySize]
}
