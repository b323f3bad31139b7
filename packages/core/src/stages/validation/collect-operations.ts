import { mediaTypes } from './content-schemas'
import { appendPointer, asObject, followRefs, type JsonObject, type Located } from './document-pointer'
import type {
  MediaTypeSchema,
  OpenApiOperation,
  OpenApiProblem,
  OperationBody,
  SecurityRequirement,
} from './openapi-model'
import { mergedParameters } from './operation-parameters'

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

/** An operation, and for each of its parameters the place it is listed (a `$ref` or the object itself). */
export interface CollectedOperation {
  readonly operation: OpenApiOperation
  readonly parameterSites: readonly string[]
}

/** What reading one document needs at every step: the root, to follow `$ref`s, and the problems found. */
interface Reading {
  readonly root: JsonObject
  readonly file: string
  readonly problems: OpenApiProblem[]
}

/**
 * Every operation of every path item, with parameters merged (an operation's own win over its
 * path item's, by name and location) and `$ref`s to parameters, bodies and responses followed.
 * It reads defensively, since it also runs on documents that failed the schema check: what is
 * malformed is skipped here, and reported there.
 */
export function collectOperations(
  root: JsonObject,
  file: string,
): { operations: CollectedOperation[]; problems: OpenApiProblem[] } {
  const reading: Reading = { root, file, problems: [] }
  const operations: CollectedOperation[] = []
  for (const [template, entry] of Object.entries(asObject(root.paths) ?? {})) {
    if (!template.startsWith('/')) continue // an `x-` extension (or a bad key, which the schema check reports)
    const pathItem = resolve(reading, { value: entry, pointer: appendPointer('#/paths', template) })
    const item = asObject(pathItem?.value)
    if (pathItem === undefined || item === undefined) continue
    const pathExtension = extensionOf(reading, item, pathItem.pointer)
    for (const method of methods) {
      const operation = asObject(item[method])
      if (operation === undefined) continue
      const pointer = appendPointer(pathItem.pointer, method)
      const parameters = mergedParameters(
        [
          { owner: item, pointer: pathItem.pointer },
          { owner: operation, pointer },
        ],
        (node) => resolve(reading, node),
      )
      const body =
        operation.requestBody === undefined
          ? undefined
          : resolve(reading, { value: operation.requestBody, pointer: appendPointer(pointer, 'requestBody') })
      operations.push({
        operation: {
          method: method.toUpperCase(),
          template,
          operationId: typeof operation.operationId === 'string' ? operation.operationId : undefined,
          parameters: parameters.map(({ parameter }) => parameter),
          requestBody: body === undefined ? undefined : bodyOf(body),
          responses: responsesOf(reading, operation.responses, appendPointer(pointer, 'responses')),
          security: securityOf(operation.security) ?? securityOf(root.security),
          extension: { ...pathExtension, ...extensionOf(reading, operation, pointer) },
          pointer,
        },
        parameterSites: parameters.map(({ site }) => site),
      })
    }
  }
  return { operations, problems: reading.problems }
}

/** A `$ref` followed to its value (anything else as it is), or a problem at the `$ref`. */
function resolve(reading: Reading, node: Located): Located | undefined {
  const target = followRefs(reading.root, node)
  if (target === undefined)
    reading.problems.push({ file: reading.file, pointer: node.pointer, message: '$ref cannot be resolved' })
  return target
}

function extensionOf(reading: Reading, owner: JsonObject, pointer: string): JsonObject {
  const value = owner['x-portcullis']
  if (value !== undefined && asObject(value) === undefined) {
    reading.problems.push({
      file: reading.file,
      pointer: appendPointer(pointer, 'x-portcullis'),
      message: 'must be an object',
    })
  }
  return asObject(value) ?? {}
}

function responsesOf(reading: Reading, value: unknown, pointer: string): Record<string, readonly MediaTypeSchema[]> {
  const responses: Record<string, readonly MediaTypeSchema[]> = {}
  for (const [status, response] of Object.entries(asObject(value) ?? {})) {
    if (status.startsWith('x-')) continue
    const target = resolve(reading, { value: response, pointer: appendPointer(pointer, status) })
    if (target !== undefined) {
      responses[status] = mediaTypes(asObject(target.value)?.content, appendPointer(target.pointer, 'content'))
    }
  }
  return responses
}

function bodyOf({ value, pointer }: Located): OperationBody | undefined {
  const body = asObject(value)
  if (body === undefined) return undefined
  return {
    required: body.required === true,
    content: mediaTypes(body.content, appendPointer(pointer, 'content')),
    pointer,
  }
}

function securityOf(value: unknown): SecurityRequirement[] | undefined {
  if (!Array.isArray(value)) return undefined
  return value.map((requirement) => {
    const scopes = Object.entries(asObject(requirement) ?? {}).filter(([, list]) => Array.isArray(list))
    return Object.fromEntries(
      scopes.map(([name, list]) => [name, (list as unknown[]).filter((scope) => typeof scope === 'string')]),
    )
  })
}
