import type { ProblemItem } from '../../errors/gateway-error'

/** A multipart/form-data body as an object: text fields as strings, files as `''`, repeated names as lists. */
export async function parseMultipartBody(
  bytes: Uint8Array,
  contentType: string,
  isArray: (name: string) => boolean,
): Promise<{ value: Record<string, unknown>; errors: ProblemItem[] }> {
  let form: FormData
  try {
    // The platform's own multipart parser (undici on Node), on bytes already read within the limit.
    form = await new Response(bytes as BodyInit, { headers: { 'content-type': contentType } }).formData()
  } catch {
    return { value: {}, errors: [{ pointer: '/body', message: 'is not a valid multipart/form-data body' }] }
  }
  const value: Record<string, unknown> = Object.create(null)
  for (const [name, entry] of form.entries()) {
    // A file's content is not schema-checked; the field's presence is (its schema is format: binary).
    const item = typeof entry === 'string' ? entry : ''
    const existing = value[name]
    if (existing === undefined) value[name] = isArray(name) ? [item] : item
    else if (Array.isArray(existing)) existing.push(item)
    else value[name] = [existing, item]
  }
  return { value, errors: [] }
}
