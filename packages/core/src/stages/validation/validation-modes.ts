import type { OpenApiOperation } from './openapi-model'

/** What a request that breaks the document gets: refused, recorded, or not checked. */
export type ValidationMode = 'block' | 'log' | 'off'

/** What a request to an endpoint the document does not list gets. */
export type UnknownEndpointMode = 'block' | 'log' | 'allow'

/** The `validation` section, resolved. */
export interface ValidationSettings {
  /** The kill switch: off turns every check off (operations are still matched). */
  readonly enabled: boolean
  readonly mode: ValidationMode
  readonly unknownEndpoints: UnknownEndpointMode
  readonly operations: Readonly<Record<string, ValidationMode>>
  readonly maxErrors: number
  readonly responses: 'off' | 'log'
}

const isMode = (value: unknown): value is ValidationMode => value === 'block' || value === 'log' || value === 'off'

/**
 * The mode of one operation: the config's `validation.operations` (by operationId, or
 * "METHOD /template") wins over the document's `x-portcullis: { validation }`, which wins over the
 * default. The kill switch turns everything off without forgetting any of it.
 */
export function operationMode(operation: OpenApiOperation, settings: ValidationSettings): ValidationMode {
  if (!settings.enabled) return 'off'
  const byConfig =
    (operation.operationId === undefined ? undefined : settings.operations[operation.operationId]) ??
    settings.operations[`${operation.method} ${operation.template}`]
  if (byConfig !== undefined) return byConfig
  const byDocument = operation.extension.validation
  return isMode(byDocument) ? byDocument : settings.mode
}
