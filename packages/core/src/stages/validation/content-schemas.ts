import { appendPointer, asObject } from './document-pointer'
import type { MediaTypeSchema, ParameterStyle, PropertyEncoding, SchemaRef } from './openapi-model'

const styles: readonly string[] = ['matrix', 'label', 'simple', 'form', 'spaceDelimited', 'pipeDelimited', 'deepObject']

/** A serialisation style, if the value is one. */
export function styleOf(value: unknown): ParameterStyle | undefined {
  return typeof value === 'string' && styles.includes(value) ? (value as ParameterStyle) : undefined
}

/** A schema (an object, or a boolean in 3.1) and its pointer; `undefined` when there is none. */
export function schemaRef(value: unknown, pointer: string): SchemaRef | undefined {
  if (typeof value === 'boolean') return { pointer, value }
  const schema = asObject(value)
  return schema === undefined ? undefined : { pointer, value: schema }
}

/** The media types of a `content` map (of a body or a response), each with its schema and `encoding`. */
export function mediaTypes(content: unknown, pointer: string): MediaTypeSchema[] {
  return Object.entries(asObject(content) ?? {}).map(([mediaType, entry]) => {
    const media = asObject(entry) ?? {}
    const encoding: Record<string, PropertyEncoding> = {}
    for (const [property, value] of Object.entries(asObject(media.encoding) ?? {})) {
      const field = asObject(value) ?? {}
      encoding[property] = {
        contentType: typeof field.contentType === 'string' ? field.contentType : undefined,
        style: styleOf(field.style),
        explode: typeof field.explode === 'boolean' ? field.explode : undefined,
        allowReserved: typeof field.allowReserved === 'boolean' ? field.allowReserved : undefined,
      }
    }
    return { mediaType, schema: schemaRef(media.schema, appendPointer(pointer, mediaType, 'schema')), encoding }
  })
}
