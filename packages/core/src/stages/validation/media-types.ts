import type { MediaTypeSchema } from './openapi-model'

/** How a body of a media type is read for validation. */
export type BodyFormat = 'json' | 'form' | 'multipart' | 'text' | 'other'

/** `type/subtype` of a Content-Type, lowercase, without parameters. */
export function essence(contentType: string): string {
  const semicolon = contentType.indexOf(';')
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase()
}

/** How to read a body of this media type. */
export function bodyFormat(mediaType: string): BodyFormat {
  const type = essence(mediaType)
  if (type === 'application/json' || type.endsWith('+json')) return 'json'
  if (type === 'application/x-www-form-urlencoded') return 'form'
  if (type === 'multipart/form-data') return 'multipart'
  if (type.startsWith('text/')) return 'text'
  return 'other'
}

/**
 * The documented media type a request's Content-Type falls under: an exact match first, then
 * `type/*`, then `*\/*` (OpenAPI: "more specific keys win").
 */
export function matchMediaType(content: readonly MediaTypeSchema[], contentType: string): MediaTypeSchema | undefined {
  const type = essence(contentType)
  const slash = type.indexOf('/')
  const range = slash === -1 ? '' : `${type.slice(0, slash)}/*`
  const byType = (wanted: string) => content.find((candidate) => essence(candidate.mediaType) === wanted)
  return byType(type) ?? byType(range) ?? byType('*/*')
}
