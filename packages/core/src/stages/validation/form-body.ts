import { appendPointer } from './document-pointer'
import { FormPairs } from './form-pairs'
import type { PropertyEncoding, SchemaRef } from './openapi-model'
import { type FormStyled, isJsonMediaType, type ParameterProblem, readFormValue, ValueReader } from './value-reader'
import { type SchemaResolver, shapeOf, type ValueShape } from './value-shape'

/** An `application/x-www-form-urlencoded` body read into an object, and the problems that made fields unreadable. */
export interface ParsedFormBody {
  readonly value: Record<string, unknown>
  /** At `/body/<name>`; messages never echo the value. */
  readonly errors: readonly ParameterProblem[]
}

// Per the Encoding Object, an explicit style, explode or allowReserved wins over contentType, and the
// style defaults to form. Otherwise contentType decides, and for an object property it defaults to
// application/json (the spec's "URL Encoded Form with JSON Values"); only JSON changes how a field reads.
function fieldStyle(name: string, encoding: PropertyEncoding | undefined, shape: ValueShape): FormStyled {
  const styled =
    encoding?.style !== undefined || encoding?.explode !== undefined || encoding?.allowReserved !== undefined
  const style = encoding?.style ?? 'form'
  const declaredType = encoding?.contentType ?? (shape.kind === 'object' ? 'application/json' : undefined)
  const contentType = !styled && isJsonMediaType(declaredType) ? declaredType : undefined
  return { name, style, explode: encoding?.explode ?? style === 'form', contentType }
}

/**
 * Reads an `application/x-www-form-urlencoded` body as OpenAPI describes it: each property of the
 * schema by its `encoding` (style/explode, form and exploded by default), with the same rules and
 * bounds as query parameters (first 1000 pairs, repeats of non-arrays are problems), never throwing.
 * Undeclared fields are kept (as `additionalProperties` describes them, else as strings) so the
 * schema can refuse them.
 */
export function parseFormBody(
  text: string,
  schema: SchemaRef | undefined,
  encoding: Readonly<Record<string, PropertyEncoding>>,
  resolve: SchemaResolver,
): ParsedFormBody {
  const problems: ParameterProblem[] = []
  const pairs = new FormPairs(text)
  const shape = shapeOf(schema?.value, resolve)
  const declared = (key: string) => shape.properties.has(key) || shape.properties.has(key.split('[', 1)[0] ?? '')
  const entries: [string, unknown][] = []
  const read = (name: string, fieldSchema: SchemaRef['value'] | undefined) => {
    const fieldShape = shapeOf(fieldSchema, resolve)
    const style = fieldStyle(name, Object.hasOwn(encoding, name) ? encoding[name] : undefined, fieldShape)
    const value = readFormValue(
      style,
      fieldShape,
      pairs,
      new ValueReader(problems, appendPointer('/body', name)),
      declared,
    )
    if (value !== undefined) entries.push([name, value])
  }
  for (const [name, fieldSchema] of shape.properties) read(name, fieldSchema)
  for (const name of pairs.names()) if (!pairs.used.has(name)) read(name, shape.additional)
  return { value: Object.fromEntries(entries), errors: problems }
}
