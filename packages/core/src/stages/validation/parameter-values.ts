import secureJsonParse from 'secure-json-parse'
import type { RequestHeaders } from '../../request/request-headers'
import type { OperationParameter, ParameterLocation, SchemaRef } from './openapi-model'

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

/** A value that cannot be read, at a JSON pointer such as `/query/limit`; the message never echoes the value. */
export interface ParameterProblem {
  readonly pointer: string
  readonly message: string
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

/** Follows a `$ref` in a schema. */
export type SchemaResolver = (schema: SchemaRef['value']) => Readonly<Record<string, unknown>> | boolean

/** What a schema makes a value, as far as deserialising needs. */
export interface ValueShape {
  readonly kind: 'primitive' | 'array' | 'object'
  /** Declared properties and their schemas, across `allOf` / `oneOf` / `anyOf`. */
  readonly properties: ReadonlyMap<string, SchemaRef['value']>
  /** An explicit `additionalProperties` other than `false`: an exploded object also takes undeclared keys. */
  readonly additional: SchemaRef['value'] | undefined
}

/** The part of a parameter that says how a form-style value (query or form body field) is written. */
export type FormStyled = Pick<OperationParameter, 'name' | 'style' | 'explode' | 'contentType'>

const MAX_FORM_PAIRS = 1000
// Schemas visited once each, and no deeper than this, so `$ref` cycles and fan-outs stay cheap.
const MAX_SCHEMA_DEPTH = 16
const BAD_ENCODING = 'is not valid percent-encoded UTF-8'
const REPEATED = 'is repeated; only the first value is read'

type Decoder = (raw: string) => string | undefined
// decodeURIComponent refuses both malformed escapes and bytes that are not UTF-8.
const percentDecode: Decoder = (raw) => {
  try {
    return decodeURIComponent(raw)
  } catch {
    return undefined
  }
}
const formDecode: Decoder = (raw) => percentDecode(raw.replaceAll('+', ' '))
const keep: Decoder = (raw) => raw
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined
const splitOnce = (text: string, sep: string): [string, string] => {
  const at = text.indexOf(sep)
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + sep.length)]
}

/** A JSON pointer below `prefix` (`/query`, `/body` …) for a name, escaped per RFC 6901. */
export const pointerTo = (prefix: string, name: string): string =>
  `${prefix}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`

/** Whether a media type (parameters allowed) is JSON: `application/json` or `…+json`. */
export function isJsonMediaType(mediaType: string | undefined): boolean {
  const essence = mediaType?.split(';', 1)[0]?.trim().toLowerCase() ?? ''
  return essence === 'application/json' || essence.endsWith('+json')
}

/** Whether a schema makes a value an array, an object (with its properties) or, when unclear, a primitive. */
export function shapeOf(schema: SchemaRef['value'] | undefined, resolve: SchemaResolver): ValueShape {
  const kinds = new Set<unknown>()
  const properties = new Map<string, SchemaRef['value']>()
  let additional: SchemaRef['value'] | undefined
  const seen = new Set<unknown>()
  const visit = (node: unknown, depth: number): void => {
    let value: ReturnType<SchemaResolver> | undefined
    try {
      value = depth > MAX_SCHEMA_DEPTH || !isRecord(node) ? undefined : resolve(node)
    } catch {
      return
    }
    if (!isRecord(value) || seen.has(value)) return
    seen.add(value)
    for (const type of Array.isArray(value.type) ? value.type : [value.type]) {
      if (type === 'array' || type === 'object') kinds.add(type)
    }
    if (isRecord(value.properties)) {
      for (const [name, sub] of Object.entries(value.properties)) {
        if (!properties.has(name) && (sub === true || sub === false || isRecord(sub))) properties.set(name, sub)
      }
    }
    const extra = value.additionalProperties
    if (additional === undefined && (extra === true || isRecord(extra))) additional = extra
    for (const list of [value.allOf, value.oneOf, value.anyOf]) {
      if (Array.isArray(list)) for (const sub of list) visit(sub, depth + 1)
    }
  }
  visit(schema, 0)
  // Only one of array / object is clear; `type: [array, object]` (or neither) reads as a primitive.
  const [kind] = kinds.size === 1 ? kinds : ['primitive']
  return { kind: kind === 'array' || kind === 'object' ? kind : 'primitive', properties, additional }
}

/** The `name=value` pairs of a query string or form body (the first 1000): names decoded, values still raw. */
export class FormPairs {
  readonly #values = new Map<string, string[]>()
  /** Names some reader has taken, so a form body can tell its undeclared fields. */
  readonly used = new Set<string>()

  constructor(text: string) {
    let start = 0
    for (let count = 0; count < MAX_FORM_PAIRS && start <= text.length; count++) {
      const amp = text.indexOf('&', start)
      const end = amp === -1 ? text.length : amp
      const [rawName, rawValue] = splitOnce(text.slice(start, end), '=')
      start = end + 1
      // A name that does not decode cannot be any parameter's: skipped, like unknown parameters.
      const name = rawName === '' ? undefined : formDecode(rawName)
      if (name === undefined) continue
      const list = this.#values.get(name)
      if (list === undefined) this.#values.set(name, [rawValue])
      else list.push(rawValue)
    }
  }

  /** The raw values given for `name`, in order (none when absent), marking the name used. */
  take(name: string): readonly string[] {
    this.used.add(name)
    return this.#values.get(name) ?? []
  }

  /** Every name present, in first-seen order. */
  names(): string[] {
    return [...this.#values.keys()]
  }
}

/** Reads the parts of one value, recording problems at its pointer. */
export class ValueReader {
  constructor(
    /** Shared by every value of a request or body. */
    readonly problems: ParameterProblem[],
    readonly pointer: string,
  ) {}

  /** The reader of a property of this value. */
  at(key: string): ValueReader {
    return new ValueReader(this.problems, pointerTo(this.pointer, key))
  }

  /** Records a problem; undefined, so a reader can `return at.fail(…)`. */
  fail(message: string): undefined {
    this.problems.push({ pointer: this.pointer, message })
    return undefined
  }

  /** The first of the values given for one name; a repeat is a problem. */
  first(values: readonly string[]): string | undefined {
    if (values.length > 1) this.fail(REPEATED)
    return values[0]
  }

  /** Every value decoded, or undefined (one problem) when one does not decode. */
  decodeAll(raws: readonly string[], decoder: Decoder): string[] | undefined {
    const decoded = raws.map(decoder)
    return decoded.every((value) => value !== undefined) ? decoded : this.fail(BAD_ENCODING)
  }

  /** One value decoded. */
  decode(raw: string, decoder: Decoder): string | undefined {
    return this.decodeAll([raw], decoder)?.[0]
  }

  /** A `content` value: JSON-parsed (refusing `__proto__` and `constructor.prototype`) when the media type is JSON. */
  content(text: string, mediaType: string): unknown {
    if (!isJsonMediaType(mediaType)) return text
    try {
      return secureJsonParse(text, null, { protoAction: 'error', constructorAction: 'error' })
    } catch (error) {
      const forbidden = error instanceof Error && error.message.includes('forbidden')
      return this.fail(forbidden ? 'has a forbidden __proto__ or constructor key' : 'is not valid JSON')
    }
  }

  /** One decoded value: a primitive, `a<sep>b…` items, `k<sep>v…` pairs, or (exploded) `k=v<sep>…`. */
  split(text: string, shape: ValueShape, sep: string, explode: boolean): unknown {
    if (shape.kind === 'primitive') return text
    const items = text === '' ? [] : text.split(sep)
    if (shape.kind === 'array') return items
    const flat = explode ? items.flatMap((item) => splitOnce(item, '=')) : items
    if (flat.length % 2 === 1) return this.fail('has a property without a value')
    return this.record(flat.flatMap((key, i) => (i % 2 === 0 ? [[key, flat[i + 1] ?? '']] : [])))
  }

  /** An object of entries (`__proto__` stays an own key); a repeated key keeps its first value. */
  record(entries: readonly (readonly [string, string])[]): Record<string, string> {
    const seen = new Map<string, string>()
    for (const [key, value] of entries) {
      if (seen.has(key)) this.at(key).fail(REPEATED)
      else seen.set(key, value)
    }
    return Object.fromEntries(seen)
  }

  /** An object read property by property; undefined when none is present. */
  properties(keys: Iterable<string>, valuesOf: (key: string) => readonly string[], decoder: Decoder): unknown {
    const entries: [string, string][] = []
    for (const key of keys) {
      const raw = this.at(key).first(valuesOf(key))
      const value = raw === undefined ? undefined : this.at(key).decode(raw, decoder)
      if (value !== undefined) entries.push([key, value])
    }
    return entries.length === 0 ? undefined : this.record(entries)
  }
}

/**
 * Reads one form-style value (a query parameter, or a field of a form body) from the pairs;
 * undefined when absent. A free-form exploded object (explicit `additionalProperties`) also takes
 * the names nobody `claimed`.
 */
export function readFormValue(
  param: FormStyled,
  shape: ValueShape,
  pairs: FormPairs,
  at: ValueReader,
  claimed: (name: string) => boolean,
): unknown {
  const { name, style, explode, contentType } = param
  if (contentType === undefined && style === 'deepObject') return readDeepObject(name, pairs, at)
  if (contentType === undefined && style === 'form' && explode && shape.kind === 'object') {
    const free = shape.additional === undefined ? [] : pairs.names().filter((key) => !claimed(key))
    return at.properties(new Set([...shape.properties.keys(), ...free]), (key) => pairs.take(key), formDecode)
  }
  const values = pairs.take(name)
  if (values.length === 0) return undefined
  // Each repeat of an exploded array is one item: `?id=1,2&id=3` is ["1,2", "3"].
  if (contentType === undefined && shape.kind === 'array' && explode) return at.decodeAll(values, formDecode)
  const text = at.decode(at.first(values) ?? '', formDecode)
  if (text === undefined) return undefined
  if (contentType !== undefined) return at.content(text, contentType)
  return at.split(text, shape, style === 'spaceDelimited' ? ' ' : style === 'pipeDelimited' ? '|' : ',', false)
}

// `name[key]=value` pairs; a plain `name`, or a key that is not one level deep, is a problem.
function readDeepObject(name: string, pairs: FormPairs, at: ValueReader): unknown {
  if (pairs.take(name).length > 0) at.fail('is a deepObject and takes name[key] pairs only')
  const keys = new Map<string, string>()
  for (const key of pairs.names().filter((key) => key.startsWith(`${name}[`))) {
    const inner = key.slice(name.length + 1, -1)
    if (key.endsWith(']') && inner !== '' && !/[[\]]/.test(inner)) keys.set(inner, key)
    else at.fail('has a key nested deeper than name[key]')
    pairs.take(key)
  }
  return at.properties(keys.keys(), (key) => pairs.take(keys.get(key) ?? ''), formDecode)
}

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
  const found: Record<ParameterLocation, [string, unknown][]> = { path: [], query: [], header: [], cookie: [] }
  const queryNames = new Set(parameters.filter((param) => param.in === 'query').map((param) => param.name))
  const claimed = (key: string) => queryNames.has(key) || queryNames.has(key.split('[', 1)[0] ?? '')
  let pairs: FormPairs | undefined
  for (const param of parameters) {
    const shape = shapeOf(param.schema?.value, resolve)
    const at = new ValueReader(problems, pointerTo(`/${param.in}`, param.name))
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
    if (value !== undefined) found[param.in].push([param.name, value])
  }
  // Null-prototype maps, so looking up an absent `constructor` parameter finds nothing.
  const bag = (entries: [string, unknown][]) => Object.assign(Object.create(null), Object.fromEntries(entries))
  const values = {
    path: bag(found.path),
    query: bag(found.query),
    header: bag(found.header),
    cookie: bag(found.cookie),
  }
  return { values, errors: problems }
}
