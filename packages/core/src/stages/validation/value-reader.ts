import secureJsonParse from 'secure-json-parse'
import { appendPointer } from './document-pointer'
import { type Decoder, type FormPairs, formDecode, splitOnce } from './form-pairs'
import type { OperationParameter } from './openapi-model'
import type { ValueShape } from './value-shape'

/** A value that cannot be read, at a JSON pointer such as `/query/limit`; the message never echoes the value. */
export interface ParameterProblem {
  readonly pointer: string
  readonly message: string
}

/** The part of a parameter that says how a form-style value (query or form body field) is written. */
export type FormStyled = Pick<OperationParameter, 'name' | 'style' | 'explode' | 'contentType'>

const BAD_ENCODING = 'is not valid percent-encoded UTF-8'
const REPEATED = 'is repeated; only the first value is read'

/** Whether a media type (parameters allowed) is JSON: `application/json` or `…+json`. */
export function isJsonMediaType(mediaType: string | undefined): boolean {
  const essence = mediaType?.split(';', 1)[0]?.trim().toLowerCase() ?? ''
  return essence === 'application/json' || essence.endsWith('+json')
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
    return new ValueReader(this.problems, appendPointer(this.pointer, key))
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
