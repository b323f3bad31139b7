import type { RequestHeaders } from '../../request/request-headers'
import { type Decoder, FormPairs, percentDecode, splitOnce } from './form-pairs'
import type { OperationParameter, ParameterLocation } from './openapi-model'
import { type ParameterProblem, readFormValue, ValueReader } from './value-reader'
import { type SchemaResolver, shapeOf, type ValueShape } from './value-shape'

/** Where parameters are read from, as the request carries them. */
export interface ParameterSources {
  /** Without `?`, percent-encoded, as received. */
  readonly rawQuery: string
  /** Raw (still percent-encoded) segment values from the router, by template name. */
  readonly pathParams: Readonly<Record<string, string>>
  readonly headers: RequestHeaders
  /** As the cookie parser gives them: already percent-decoded. */
  readonly cookies: Readonly<Record<string, string | undefined>>
}

/** The parameters of a request, by location and name, ready for schema validation. */
export interface ParsedParameters {
  /** Values by location and name: strings, arrays of strings, or objects of strings (JSON values for `content` params); absent params are left out. */
  readonly values: {
    readonly path: Record<string, unknown>
    readonly query: Record<string, unknown>
    readonly header: Record<string, unknown>
    readonly cookie: Record<string, unknown>
  }
  /** Problems that make a value unreadable, at `/query/<name>`, `/path/<name>` … */
  readonly errors: readonly ParameterProblem[]
}

const keep: Decoder = (raw) => raw
const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined

// simple (path, header), label and matrix (path) and form (cookie), from one decoded text.
function readText(param: OperationParameter, shape: ValueShape, text: string, at: ValueReader): unknown {
  const { name, style, explode, contentType } = param
  if (contentType !== undefined) return at.content(text, contentType)
  if (style === 'label') {
    if (!text.startsWith('.')) return at.fail('is not in label style')
    return at.split(text.slice(1), shape, explode ? '.' : ',', explode)
  }
  // A cookie cannot repeat its name, so a form array is comma-separated even when exploded.
  if (style !== 'matrix') return at.split(text, shape, ',', style === 'simple' && explode)
  if (!text.startsWith(';')) return at.fail('is not in matrix style')
  if (shape.kind === 'object' && explode) return at.split(text.slice(1), shape, ';', true)
  const items = text
    .slice(1)
    .split(';')
    .map((item) => splitOnce(item, '='))
  const values = items.filter(([key]) => key === name).map(([, value]) => value)
  if (values.length === 0) return at.fail('is not in matrix style')
  if (shape.kind === 'array' && explode) return values
  return at.split(at.first(values) ?? '', shape, ',', false)
}

// Names are case-insensitive through the headers view, whose `get` throws (Fetch `Headers`) on a
// name no request can carry: absent. Spaces after commas (repeats are joined with ', ') are
// dropped for arrays and objects; a primitive keeps its whole value.
function headerValue(headers: RequestHeaders, name: string, shape: ValueShape): string | undefined {
  let text: string | null
  try {
    text = headers.get(name)
  } catch {
    return undefined
  }
  if (text === null || shape.kind === 'primitive') return text?.trim()
  return text
    .split(',')
    .map((item) => item.trim())
    .join(',')
}

/**
 * Reads an operation's parameters from a request as OpenAPI 3 serialises them (style / explode),
 * never throwing. A value is decoded once and then split, so an encoded delimiter (`%2C`, `%7C`)
 * splits like a literal one: Appendix E defines decoding as one pass, and many clients encode the
 * joined value whole. Rules where the specification is silent:
 * - a repeated non-array query parameter (or object property) keeps its first value, with a problem;
 * - an empty value (`?limit=`) is `''`; for a non-exploded array or object it is `[]` or `{}`;
 * - `allowReserved` is accepted and changes nothing: it only affects serialisation;
 * - query and cookie names are case-sensitive, header names are not; header values are not
 *   percent-decoded (only trimmed), cookies arrive decoded; a repeated primitive header reads as
 *   its comma-joined whole, a repeated array header as all its items;
 * - a deepObject takes `name[key]` one level deep; n/a combinations read as their nearest defined
 *   form (exploded space/pipe-delimited arrays as repeated keys, deepObject as exploded);
 * - unknown query parameters are ignored, and only the first 1000 query pairs are read.
 */
export function parseParameters(
  parameters: readonly OperationParameter[],
  sources: ParameterSources,
  resolve: SchemaResolver,
): ParsedParameters {
  const problems: ParameterProblem[] = []
  // Null-prototype maps, so looking up an absent `constructor` parameter finds nothing.
  const values: Record<ParameterLocation, Record<string, unknown>> = {
    path: Object.create(null),
    query: Object.create(null),
    header: Object.create(null),
    cookie: Object.create(null),
  }
  // Only a free-form exploded object asks which query names belong to other parameters.
  let queryNames: Set<string> | undefined
  const claimed = (key: string) => {
    queryNames ??= new Set(parameters.filter((param) => param.in === 'query').map((param) => param.name))
    return queryNames.has(key) || queryNames.has(key.split('[', 1)[0] ?? '')
  }
  let pairs: FormPairs | undefined
  for (const param of parameters) {
    const shape = shapeOf(param.schema?.value, resolve)
    const at = new ValueReader(problems, param.valuePointer)
    let value: unknown
    if (param.in === 'query') {
      pairs ??= new FormPairs(sources.rawQuery)
      value = readFormValue(param, shape, pairs, at, claimed)
    } else if (param.in === 'cookie' && param.contentType === undefined && shape.kind === 'object' && param.explode) {
      const cookie = (key: string) => [own(sources.cookies, key)].filter((text) => text !== undefined)
      value = at.properties(shape.properties.keys(), cookie, keep)
    } else if (param.in === 'path') {
      const raw = own(sources.pathParams, param.name)
      const text = raw === undefined ? undefined : at.decode(raw, percentDecode)
      value = text === undefined ? undefined : readText(param, shape, text, at)
    } else {
      const text =
        param.in === 'header' ? headerValue(sources.headers, param.name, shape) : own(sources.cookies, param.name)
      value = text === undefined ? undefined : readText(param, shape, text, at)
    }
    if (value !== undefined) values[param.in][param.name] = value
  }
  return { values, errors: problems }
}
