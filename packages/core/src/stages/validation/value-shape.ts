import type { SchemaRef } from './openapi-model'

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

// Schemas visited once each, and no deeper than this, so `$ref` cycles and fan-outs stay cheap.
const MAX_SCHEMA_DEPTH = 16

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const PRIMITIVE: ValueShape = { kind: 'primitive', properties: new Map(), additional: undefined }

// Shapes by resolver (one per document) and schema object: a request reads them, never works them out.
const shapesByResolver = new WeakMap<SchemaResolver, WeakMap<object, ValueShape>>()

/** Whether a schema makes a value an array, an object (with its properties) or, when unclear, a primitive. */
export function shapeOf(schema: SchemaRef['value'] | undefined, resolve: SchemaResolver): ValueShape {
  if (!isRecord(schema)) return PRIMITIVE
  let shapes = shapesByResolver.get(resolve)
  if (shapes === undefined) {
    shapes = new WeakMap()
    shapesByResolver.set(resolve, shapes)
  }
  let shape = shapes.get(schema)
  if (shape === undefined) {
    shape = workOutShape(schema, resolve)
    shapes.set(schema, shape)
  }
  return shape
}

function workOutShape(schema: Readonly<Record<string, unknown>>, resolve: SchemaResolver): ValueShape {
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
