import { deny, proceed, reportDenial, type Stage } from '../../engine/stage'
import { GatewayError } from '../../errors/gateway-error'
import { DocumentMatch } from './document-match'
import type { OpenApiRuntime } from './openapi-runtime'
import { operationSecurity } from './operation-security'
import { unsupportedMediaType } from './request-validator'
import { checkResponse } from './response-validator'
import { operationMode, type ValidationSettings } from './validation-modes'

// Refusals that protect the gateway itself: enforced whatever the operation's mode.
const alwaysEnforced = new Set([
  'request.body_too_large',
  'request.json_too_deep',
  'request.json_forbidden_key',
  'request.body_incomplete',
])

/**
 * The OpenAPI stages: `openapi-operation` (receive phase) matches every request to its operation,
 * puts it on `ctx.operation` for the stages after it, and handles endpoints the document does not
 * list; `openapi-validation` (validate phase) checks parameters and body, and, when asked, checks
 * responses after they are sent. Requests that arrive while the document loads wait for it.
 */
export function validationStages(runtime: Promise<OpenApiRuntime>, settings: ValidationSettings): Stage[] {
  const unavailable = () =>
    new GatewayError('gateway.unavailable', {
      detail: 'The API description could not be loaded.',
      headers: { 'retry-after': '30' },
    })
  const unknownEndpoints = settings.enabled ? settings.unknownEndpoints : 'allow'

  const operationStage: Stage = {
    name: 'openapi-operation',
    phase: 'receive',
    ready: runtime.then(() => undefined),
    async run(ctx) {
      let loaded: OpenApiRuntime
      try {
        loaded = await runtime
      } catch {
        return deny(unavailable())
      }
      const match = loaded.router.match(ctx.request.method, ctx.request.encodedPath)
      if (match.kind === 'operation') {
        ctx.operation = new DocumentMatch(match, operationSecurity(match.operation, loaded.model))
        return proceed
      }
      if (unknownEndpoints === 'allow') return proceed
      const error =
        match.kind === 'method-not-allowed'
          ? new GatewayError('validation.method_not_allowed', {
              detail: 'The API description does not list this method for this path.',
              headers: { allow: match.allowed.join(', ') },
            })
          : new GatewayError('validation.unknown_endpoint', {
              detail: 'The API description does not list this endpoint.',
            })
      return unknownEndpoints === 'block' ? deny(error) : reportDenial(error)
    },
  }

  const validationStage: Stage = {
    name: 'openapi-validation',
    phase: 'validate',
    wantsResponseBodies: settings.enabled && settings.responses === 'log',
    async run(ctx) {
      const match = DocumentMatch.matchOf(ctx.operation)
      if (match === undefined) return proceed
      const mode = operationMode(match.operation, settings)
      if (mode === 'off') return proceed
      const check = await (await runtime).validator.check(ctx, match.operation, match.pathParams)
      if (check.kind === 'valid') return proceed
      let error: GatewayError
      if (check.kind === 'error') {
        if (alwaysEnforced.has(check.error.code)) return deny(check.error)
        error = check.error
      } else if (check.kind === 'unsupported') {
        error = unsupportedMediaType(
          check.contentType,
          match.operation.requestBody?.content.map((media) => media.mediaType) ?? [],
        )
      } else {
        const count = check.errors.length
        error = new GatewayError('validation.request_invalid', {
          detail: `The request breaks the API description in ${count === 1 ? '1 place' : `${count} places`}.`,
          errors: check.errors,
        })
      }
      return mode === 'block' ? deny(error) : reportDenial(error)
    },
    complete(ctx, response, events) {
      if (!this.wantsResponseBodies || !events.has('validation.response_mismatch')) return
      // Only the app's answers are checked against its description: the gateway's own (a 429, a 401) are not the API's.
      if (ctx.answeredBy === 'gateway') return
      const match = DocumentMatch.matchOf(ctx.operation)
      if (match === undefined || operationMode(match.operation, settings) === 'off') return
      runtime.then(
        (loaded) => {
          const errors = checkResponse(loaded.compiler, match.operation, response, settings.maxErrors)
          if (errors.length > 0) events.emit('validation.response_mismatch', { ctx, status: response.status, errors })
        },
        () => {},
      )
    },
  }
  return [operationStage, validationStage]
}
