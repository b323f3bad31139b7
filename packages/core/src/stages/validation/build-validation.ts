import type { GatewayConfig } from '../../config/schema'
import type { Stage } from '../../engine/stage'
import { ConfigError } from '../../errors/config-error'
import type { BuildContext } from '../build-context'
import { OpenApiLoadError } from './openapi-model'
import { createOpenApiRuntime, type OpenApiRuntime } from './openapi-runtime'
import type { ValidationSettings } from './validation-modes'
import { validationStages } from './validation-stages'

/** The `validation` section with its defaults. */
export function validationSettings(config: GatewayConfig['validation']): ValidationSettings {
  return {
    enabled: config?.enabled ?? true,
    mode: config?.mode ?? 'block',
    unknownEndpoints: config?.unknownEndpoints ?? 'log',
    operations: config?.operations ?? {},
    maxErrors: config?.maxErrors ?? 20,
    responses: config?.responses ?? 'off',
  }
}

/** A document that failed to load, as the ConfigError the gateway reports at start-up. */
function asConfigError(error: unknown, source: string): ConfigError {
  if (error instanceof OpenApiLoadError) {
    return new ConfigError(
      error.problems.map((problem) => ({
        path: 'openapi',
        message: `${problem.file} ${problem.pointer}: ${problem.message}`,
      })),
      source,
    )
  }
  return new ConfigError([{ path: 'openapi', message: (error as Error).message ?? 'cannot be loaded' }], source)
}

/**
 * Builds the OpenAPI stages from `openapi` and `validation`. The document loads asynchronously once
 * the whole config is valid; `engine.ready()` rejects with a ConfigError naming every problem in it
 * (file and JSON pointer), and the failure is logged once so it is seen even when nobody awaits it.
 */
export function buildValidationStages(config: GatewayConfig, build: BuildContext): BuiltValidation {
  if (config.openapi === undefined) {
    if (config.validation !== undefined) build.problem('validation', 'needs an openapi document to validate against')
    return { stages: [], documented: undefined }
  }
  const settings = validationSettings(config.validation)
  const source = config.openapi as string | Record<string, unknown>
  const label = typeof source === 'string' ? source : '(object)'
  let start: (runtime: Promise<OpenApiRuntime>) => void = () => {}
  const runtime = new Promise<OpenApiRuntime>((resolve, reject) => {
    start = (loading) => loading.then(resolve, reject)
  })
  const reported = runtime.catch((error: unknown) => {
    const configError = asConfigError(error, label)
    console.error(`[portcullis] ${configError.message}`)
    throw configError
  })
  build.whenValid(() =>
    start(createOpenApiRuntime(source, { baseDirectory: build.baseDirectory, maxErrors: settings.maxErrors })),
  )
  const [operationStage, validationStage] = validationStages(reported, settings) as [Stage, Stage]
  const documented = async () => {
    const { model } = await reported
    const bases = model.basePaths
    return model.operations.flatMap(({ method, template }) =>
      bases.map((base) => ({ method, template: `${base}${template}` })),
    )
  }
  return { stages: [operationStage, validationStage], documented }
}

/** The validation stages, and the operations the document lists (with each server base path). */
export interface BuiltValidation {
  readonly stages: readonly Stage[]
  readonly documented: (() => Promise<readonly { method: string; template: string }[]>) | undefined
}
