import type { CompletedResponse } from '../../engine/engine'
import type { ProblemItem } from '../../errors/gateway-error'
import { bodyFormat, essence, matchMediaType } from './media-types'
import type { MediaTypeSchema, OpenApiOperation } from './openapi-model'
import { describeSchemaError, type SchemaCompiler } from './schema-compiler'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The documented responses for a status: the exact code, then its range (`4XX`), then `default`. */
function documentedContent(operation: OpenApiOperation, status: number): readonly MediaTypeSchema[] | undefined {
  const { responses } = operation
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default
}

/**
 * Checks a finished response against the operation (shadow validation): the status is documented,
 * the media type is, and a JSON body matches its schema. Returns what does not match; the
 * response itself is never touched.
 */
export function checkResponse(
  compiler: SchemaCompiler,
  operation: OpenApiOperation,
  response: CompletedResponse,
  maxErrors: number,
): ProblemItem[] {
  const content = documentedContent(operation, response.status)
  if (content === undefined) return [{ pointer: '/status', message: `${response.status} is not a documented status` }]
  if (content.length === 0 || response.body === undefined || response.body.length === 0) return []
  const contentType = response.contentType
  const media = contentType === undefined ? undefined : matchMediaType(content, contentType)
  if (media === undefined)
    return [{ pointer: '/headers/content-type', message: 'is not a documented media type for this status' }]
  if (media.schema === undefined || contentType === undefined || bodyFormat(essence(contentType)) !== 'json') return []
  let value: unknown
  try {
    value = JSON.parse(utf8.decode(response.body))
  } catch {
    return [{ pointer: '/body', message: 'is not valid JSON' }]
  }
  const validate = compiler.validator(media.schema.pointer, { coerce: false, allErrors: true })
  if (validate(value)) return []
  return (validate.errors ?? []).slice(0, maxErrors).map((error) => describeSchemaError(error, '/body'))
}
