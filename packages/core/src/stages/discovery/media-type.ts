/** The media type of a `Content-Type` header, lowercased without parameters; `undefined` if malformed. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const essence = contentType?.split(';', 1)[0]?.trim().toLowerCase()
  if (essence === undefined || essence.length > 100) return undefined
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(essence) ? essence : undefined
}

/** Whether a media type is JSON (`application/json` or a `+json` one). */
export function isJsonMediaType(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json')
}
