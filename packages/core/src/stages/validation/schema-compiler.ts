import type { ErrorObject, ValidateFunction } from 'ajv'
import Ajv2020 from 'ajv/dist/2020.js'
import AjvDraft04 from 'ajv-draft-04'
import addFormats from 'ajv-formats'
import safeRegex from 'safe-regex2'
import { appendPointer, localRefTokens, valueAt } from './document-pointer'
import type { OpenApiDocumentModel, OpenApiProblem } from './openapi-model'

type AjvInstance = InstanceType<typeof Ajv2020> | InstanceType<typeof AjvDraft04>

/** How a validator treats its input. */
export interface ValidatorKind {
  /** Coerce strings to the schema's types (parameters, form fields); never for JSON bodies. */
  readonly coerce: boolean
  /** Report every violation rather than stopping at the first. */
  readonly allErrors: boolean
}

const documentId = 'openapi'

// OpenAPI's own formats: checked where a check means something, accepted otherwise.
const openApiFormats: Record<string, { type: 'number' | 'string'; validate: (value: never) => boolean }> = {
  int32: {
    type: 'number',
    validate: (value: number) => Number.isInteger(value) && value >= -(2 ** 31) && value <= 2 ** 31 - 1,
  },
  int64: { type: 'number', validate: (value: number) => Number.isInteger(value) },
  float: { type: 'number', validate: () => true },
  double: { type: 'number', validate: () => true },
  byte: { type: 'string', validate: (value: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0 },
  binary: { type: 'string', validate: () => true },
  password: { type: 'string', validate: () => true },
}

/** Every `pattern` and `patternProperties` key in a document, with its pointer. */
function* regexesOf(value: unknown, pointer: string): Generator<[string, string]> {
  if (typeof value !== 'object' || value === null) return
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* regexesOf(value[i], `${pointer}/${i}`)
    return
  }
  const record = value as Record<string, unknown>
  if (typeof record.pattern === 'string') yield [record.pattern, `${pointer}/pattern`]
  if (typeof record.patternProperties === 'object' && record.patternProperties !== null) {
    for (const key of Object.keys(record.patternProperties)) yield [key, `${pointer}/patternProperties`]
  }
  for (const [key, child] of Object.entries(record)) {
    if (key !== 'example' && key !== 'examples' && key !== 'default' && key !== 'enum' && key !== 'const') {
      yield* regexesOf(child, appendPointer(pointer, key))
    }
  }
}

/**
 * The regular expressions of a document that could backtrack catastrophically (star height above 1,
 * e.g. `^(a+)+$`), or that do not compile: refused at start-up, since a request could otherwise pin
 * the event loop. (Patterns run as JavaScript regexes; there is no RE2 to fall back on here.)
 */
export function unsafePatterns(model: OpenApiDocumentModel): OpenApiProblem[] {
  const problems: OpenApiProblem[] = []
  for (const [pattern, pointer] of regexesOf(model.root, '#')) {
    let safe: boolean
    try {
      new RegExp(pattern, 'u')
      safe = safeRegex(pattern)
    } catch {
      problems.push({ file: model.source, pointer, message: 'is not a valid regular expression' })
      continue
    }
    if (!safe)
      problems.push({
        file: model.source,
        pointer,
        message: 'could backtrack catastrophically (nested quantifiers); simplify it',
      })
  }
  return problems
}

/**
 * Compiles the document's schemas with ajv, lazily and once each: draft-04 flavoured for OpenAPI
 * 3.0 (`nullable`, boolean `exclusiveMinimum`), 2020-12 for 3.1. The bundled document is registered
 * whole, so schemas compile by JSON pointer and internal `$ref`s (cycles too) resolve inside it.
 */
export class SchemaCompiler {
  readonly #model: OpenApiDocumentModel
  readonly #instances = new Map<string, AjvInstance>()
  readonly #validators = new Map<string, ValidateFunction>()

  constructor(model: OpenApiDocumentModel) {
    this.#model = model
  }

  /** The validator of the schema at `pointer` (e.g. `#/components/schemas/Booking`). */
  validator(pointer: string, kind: ValidatorKind): ValidateFunction {
    const key = `${kind.coerce ? 'c' : 'x'}${kind.allErrors ? 'a' : 'f'}${pointer}`
    let validate = this.#validators.get(key)
    if (validate === undefined) {
      // The pointer is a URI fragment to ajv: a literal "%" in a key must be escaped.
      validate = this.#instance(kind).compile({ $ref: `${documentId}${pointer.replace(/%/g, '%25')}` })
      this.#validators.set(key, validate)
    }
    return validate
  }

  /**
   * Schemas that are not valid JSON Schema 2020-12. OpenAPI 3.1's own schema does not check Schema
   * Objects (3.0's does, when the document is loaded), so for 3.1 they are checked here, at start-up,
   * rather than failing at the first request that needs them.
   */
  schemaProblems(): OpenApiProblem[] {
    if (this.#model.version !== '3.1') return []
    const ajv = this.#instance({ coerce: false, allErrors: false })
    const pointers = new Set<string>()
    for (const operation of this.#model.operations) {
      for (const parameter of operation.parameters)
        if (parameter.schema !== undefined) pointers.add(parameter.schema.pointer)
      for (const media of operation.requestBody?.content ?? [])
        if (media.schema !== undefined) pointers.add(media.schema.pointer)
      for (const content of Object.values(operation.responses))
        for (const media of content) if (media.schema !== undefined) pointers.add(media.schema.pointer)
    }
    const components = (this.#model.root.components as { schemas?: Record<string, unknown> } | undefined)?.schemas ?? {}
    for (const name of Object.keys(components)) pointers.add(appendPointer('#/components/schemas', name))
    const problems: OpenApiProblem[] = []
    for (const pointer of pointers) {
      const schema = this.#at(pointer)
      if (typeof schema !== 'object' && typeof schema !== 'boolean') continue
      if (ajv.validateSchema(schema as never) !== true) {
        const first = ajv.errors?.[0]
        problems.push({
          file: this.#model.source,
          pointer: `${pointer}${first?.instancePath ?? ''}`,
          message: `is not a valid JSON Schema (${first?.message ?? 'invalid'})`,
        })
      }
    }
    return problems
  }

  #at(pointer: string): unknown {
    const tokens = localRefTokens(pointer)
    return tokens === undefined ? undefined : valueAt(this.#model.root, tokens)?.value
  }

  /** Follows a schema's `$ref`s inside the document, for looking at its shape. */
  resolve = (schema: Readonly<Record<string, unknown>> | boolean): Readonly<Record<string, unknown>> | boolean => {
    let current = schema
    for (let hops = 0; hops < 32 && typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
      const ref = current.$ref as string
      if (!ref.startsWith('#/')) break
      const target = this.#at(ref)
      if (typeof target !== 'object' && typeof target !== 'boolean') break
      current = target as Readonly<Record<string, unknown>> | boolean
    }
    return current
  }

  #instance(kind: ValidatorKind): AjvInstance {
    const key = `${kind.coerce}${kind.allErrors}`
    let ajv = this.#instances.get(key)
    if (ajv === undefined) {
      const options = {
        strict: false,
        logger: false as const,
        allErrors: kind.allErrors,
        coerceTypes: kind.coerce ? ('array' as const) : false,
        messages: true,
      }
      ajv = this.#model.version === '3.0' ? new AjvDraft04(options) : new Ajv2020(options)
      addFormats(ajv as never, { mode: 'fast' })
      for (const [name, format] of Object.entries(openApiFormats)) ajv.addFormat(name, format as never)
      ajv.addSchema(this.#model.root as never, documentId)
      this.#instances.set(key, ajv)
    }
    return ajv
  }
}

/** An ajv error as a pointer into the request and a short message. */
export function describeSchemaError(error: ErrorObject, prefix: string): { pointer: string; message: string } {
  let pointer = `${prefix}${error.instancePath}`
  let message = error.message ?? 'is not valid'
  if (error.keyword === 'required') {
    pointer = appendPointer(pointer, String(error.params.missingProperty))
    message = 'is required'
  } else if (error.keyword === 'additionalProperties') {
    pointer = appendPointer(pointer, String(error.params.additionalProperty))
    message = 'is not allowed'
  } else if (error.keyword === 'enum') {
    message = 'must be one of the allowed values'
  }
  return { pointer, message: message.length > 160 ? `${message.slice(0, 157)}...` : message }
}
