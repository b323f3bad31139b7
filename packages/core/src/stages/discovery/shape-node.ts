import { newTally, type TypeTally, type TypeTallyJSON, tallySchema, tallyToJSON } from './value-type'

/** One position in the learned shape, as plain JSON. */
export interface ShapeNodeJSON extends TypeTallyJSON {
  /** Values seen here; for a property, the objects it was present in. */
  readonly count: number
  readonly properties?: Readonly<Record<string, ShapeNodeJSON>>
  /** Some property names were not learned (over a cap): any others may appear. */
  readonly open?: true
  /** The values under keys that looked like data (ids, dates): the object is a map. */
  readonly additional?: ShapeNodeJSON
  readonly items?: ShapeNodeJSON
}

/** One position in the learned shape: its values' types, properties, map values and array items. */
export interface ShapeNode {
  count: number
  readonly tally: TypeTally
  readonly properties: Map<string, ShapeNode>
  open: boolean
  additional: ShapeNode | undefined
  items: ShapeNode | undefined
}

/** An empty shape node. */
export const newNode = (): ShapeNode => ({
  count: 0,
  tally: newTally(),
  properties: new Map(),
  open: false,
  additional: undefined,
  items: undefined,
})

/** A node as plain JSON, its subtree included. */
export function nodeToJSON(node: ShapeNode): ShapeNodeJSON {
  // Built with `fromEntries` so that a `__proto__` property name stays a name.
  const properties = Object.fromEntries([...node.properties].map(([name, child]) => [name, nodeToJSON(child)]))
  return {
    count: node.count,
    ...tallyToJSON(node.tally),
    ...(node.properties.size > 0 ? { properties } : {}),
    ...(node.open ? { open: true as const } : {}),
    ...(node.additional === undefined ? {} : { additional: nodeToJSON(node.additional) }),
    ...(node.items === undefined ? {} : { items: nodeToJSON(node.items) }),
  }
}

/** A node's subtree as a JSON Schema 2020-12 object: `required` lists the properties every object had. */
export function schemaOf(node: ShapeNode): Record<string, unknown> {
  const schema = tallySchema(node.tally)
  const objects = node.tally.types.get('object') ?? 0
  if (objects > 0) {
    if (node.properties.size > 0) {
      schema.properties = Object.fromEntries([...node.properties].map(([name, child]) => [name, schemaOf(child)]))
      const required = [...node.properties].filter(([, child]) => child.count === objects).map(([name]) => name)
      if (required.length > 0) schema.required = required
    }
    if (node.open) schema.additionalProperties = true
    else if (node.additional !== undefined) schema.additionalProperties = schemaOf(node.additional)
  }
  if ((node.tally.types.get('array') ?? 0) > 0 && node.items !== undefined && node.items.count > 0) {
    schema.items = schemaOf(node.items)
  }
  return schema
}
