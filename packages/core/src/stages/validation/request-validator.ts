import type { GatewayContext } from '../../engine/context'
import { GatewayError, isGatewayError, type ProblemItem } from '../../errors/gateway-error'
import { parseFormBody } from './form-body'
import { bodyFormat, essence, matchMediaType } from './media-types'
import { parseMultipartBody } from './multipart-body'
import type { OpenApiOperation, SchemaRef } from './openapi-model'
import { parseParameters } from './parameter-values'
import { describeSchemaError, type SchemaCompiler } from './schema-compiler'

/** The result of checking a request against its operation. */
export type RequestCheck =
  | { readonly kind: 'valid' }
  | { readonly kind: 'invalid'; readonly errors: readonly ProblemItem[] }
  /** The body's media type is not one the operation accepts (415). */
  | { readonly kind: 'unsupported'; readonly contentType: string | undefined }
  /** The body could not be read (too large, not JSON, a forbidden key): that error as it is. */
  | { readonly kind: 'error'; readonly error: GatewayError }

// A second pass that lists every violation runs only on invalid, modest inputs.
const fullReportLimitBytes = 64 * 1024

const isArraySchema = (schema: unknown): boolean => {
  if (typeof schema !== 'object' || schema === null) return false
  const type = (schema as { type?: unknown }).type
  return type === 'array' || (Array.isArray(type) && type.includes('array'))
}

/**
 * Checks a request's parameters and body against its operation: parameters deserialised by their
 * style and coerced per location, the body by its media type (JSON without coercion, form fields
 * with). The first pass stops at the first violation per value; only an invalid request gets the
 * second pass that lists them all (capped), so valid traffic never pays for `allErrors`.
 */
export class RequestValidator {
  readonly #compiler: SchemaCompiler
  readonly #maxErrors: number

  constructor(compiler: SchemaCompiler, maxErrors: number) {
    this.#compiler = compiler
    this.#maxErrors = maxErrors
  }

  async check(
    ctx: GatewayContext,
    operation: OpenApiOperation,
    pathParams: Readonly<Record<string, string>>,
  ): Promise<RequestCheck> {
    try {
      const quick = await this.#run(ctx, operation, pathParams, false)
      if (quick.kind !== 'invalid' || (ctx.request.body.declaredLength ?? 0) > fullReportLimitBytes) return quick
      return await this.#run(ctx, operation, pathParams, true)
    } catch (error) {
      if (isGatewayError(error)) return { kind: 'error', error }
      throw error
    }
  }

  async #run(
    ctx: GatewayContext,
    operation: OpenApiOperation,
    pathParams: Readonly<Record<string, string>>,
    allErrors: boolean,
  ): Promise<RequestCheck> {
    const { request } = ctx
    const errors: ProblemItem[] = []
    const add = (items: readonly ProblemItem[]) => {
      for (const item of items) if (errors.length < this.#maxErrors) errors.push(item)
    }
    const parsed = parseParameters(
      operation.parameters,
      { rawQuery: request.rawQuery, pathParams, headers: request.headers, cookies: request.cookies },
      this.#compiler.resolve,
    )
    add(parsed.errors)
    const failed = parsed.errors.length === 0 ? undefined : new Set(parsed.errors.map((error) => error.pointer))
    for (const parameter of operation.parameters) {
      const pointer = parameter.valuePointer
      if (failed?.has(pointer)) continue
      const value = parsed.values[parameter.in][parameter.name]
      if (value === undefined) {
        if (parameter.required) add([{ pointer, message: 'is required' }])
        continue
      }
      if (parameter.schema !== undefined)
        add(this.#validate(parameter.schema, value, pointer, { coerce: true, allErrors }))
    }
    const body = await this.#checkBody(ctx, operation, allErrors)
    if (body !== undefined && 'kind' in body) return body
    if (body !== undefined) add(body)
    return errors.length === 0 ? { kind: 'valid' } : { kind: 'invalid', errors }
  }

  async #checkBody(
    ctx: GatewayContext,
    operation: OpenApiOperation,
    allErrors: boolean,
  ): Promise<readonly ProblemItem[] | RequestCheck | undefined> {
    const definition = operation.requestBody
    const { body, headers } = ctx.request
    if (definition === undefined) return undefined
    if (!body.present) return definition.required ? [{ pointer: '/body', message: 'is required' }] : undefined
    const contentType = headers.get('content-type') ?? undefined
    const media = contentType === undefined ? undefined : matchMediaType(definition.content, contentType)
    if (media === undefined || contentType === undefined) return { kind: 'unsupported', contentType }
    const format = bodyFormat(essence(contentType))
    if (media.schema === undefined) return undefined
    if (format === 'json') return this.#validate(media.schema, await body.json(), '/body', { coerce: false, allErrors })
    if (format === 'form') {
      const form = parseFormBody(await body.text(), media.schema, media.encoding, this.#compiler.resolve)
      if (form.errors.length > 0) return form.errors
      return this.#validate(media.schema, form.value, '/body', { coerce: true, allErrors })
    }
    if (format === 'multipart') {
      const schema = this.#compiler.resolve(media.schema.value)
      const properties = typeof schema === 'object' ? ((schema.properties ?? {}) as Record<string, unknown>) : {}
      const multipart = await parseMultipartBody(await body.bytes(), contentType, (name) =>
        isArraySchema(this.#compiler.resolve((properties[name] ?? {}) as Record<string, unknown>)),
      )
      if (multipart.errors.length > 0) return multipart.errors
      return this.#validate(media.schema, multipart.value, '/body', { coerce: true, allErrors })
    }
    if (format === 'text') return this.#validate(media.schema, await body.text(), '/body', { coerce: false, allErrors })
    // Other media types (binary uploads) have no structure to check beyond their type and size.
    return undefined
  }

  #validate(
    schema: SchemaRef,
    value: unknown,
    prefix: string,
    kind: { coerce: boolean; allErrors: boolean },
  ): ProblemItem[] {
    const validate = this.#compiler.validator(schema.pointer, kind)
    // Coercion rewrites values in place: fine, as every value here was parsed for this check alone.
    if (validate(value)) return []
    return (validate.errors ?? []).slice(0, this.#maxErrors).map((error) => describeSchemaError(error, prefix))
  }
}

/** The 415 for a body whose media type the operation does not accept. */
export function unsupportedMediaType(contentType: string | undefined, accepted: readonly string[]): GatewayError {
  return new GatewayError('validation.unsupported_media_type', {
    detail:
      contentType === undefined
        ? `The body has no Content-Type; this operation accepts ${accepted.join(', ')}.`
        : `This operation accepts ${accepted.join(', ')}.`,
  })
}
