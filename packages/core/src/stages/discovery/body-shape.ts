import { readCount } from '../../stats/read-count'
import { isRecord } from './is-record'
import { newNode, nodeToJSON, type ShapeNode, type ShapeNodeJSON, schemaOf } from './shape-node'
import { jsonValueType, looksLikeValue, mergeTally, tallyType } from './value-type'

export {
  type LearnedParameter,
  type QueryJSON,
  QueryLearner,
  type QueryLimits,
  type QueryParameterJSON,
} from './query-learner'
export type { ShapeNodeJSON } from './shape-node'

/** Bounds on what a {@link ShapeLearner} keeps, whatever the bodies it sees. */
export interface ShapeLimits {
  /** Nesting levels learned (the body's properties or items are level 1); deeper values are typed only. Default 8. */
  readonly maxDepth?: number
  /** Property names learned per object; past it the object gets `additionalProperties: true`. Default 100. */
  readonly maxProperties?: number
  /** Schema nodes in all (each property, array items, map values is one). Default 1,000. */
  readonly maxNodes?: number
  /** Elements of each array learned from, the first ones. Default 50. */
  readonly maxArrayItems?: number
}

/** A {@link ShapeLearner}'s learning, as plain JSON. */
export interface ShapeJSON {
  readonly version: 1
  readonly root: ShapeNodeJSON
}

/**
 * Learns the shape of JSON bodies: per position the types seen, a string format they all share,
 * the properties present in every object (`required`) and array items' merged shape. Only types,
 * formats, property names and counts are kept, never a value; names that look like values (ids,
 * dates, numbers) are not kept either, their values being learned as a map's (`additionalProperties`).
 * The limits bound memory and work whatever the bodies; learning past them is conservative (a
 * property first met past a cap is not listed, and one an instance did not track is not required).
 */
export class ShapeLearner {
  readonly #root = newNode()
  readonly #maxDepth: number
  readonly #maxProperties: number
  readonly #maxNodes: number
  readonly #maxArrayItems: number
  #nodes = 1

  constructor(limits: ShapeLimits = {}) {
    this.#maxDepth = limits.maxDepth ?? 8
    this.#maxProperties = limits.maxProperties ?? 100
    this.#maxNodes = limits.maxNodes ?? 1_000
    this.#maxArrayItems = limits.maxArrayItems ?? 50
  }

  /** Bodies learned from. */
  get count(): number {
    return this.#root.count
  }

  /** Schema nodes held, at most `maxNodes`. */
  get nodes(): number {
    return this.#nodes
  }

  /** Learns from one parsed JSON body. */
  observe(body: unknown): void {
    this.#observe(this.#root, body, 0)
  }

  /** Adds another learner's learning to this one's, as if this one had seen its bodies too. */
  merge(other: ShapeLearner): this {
    this.#absorb(this.#root, other.toJSON().root, 0)
    return this
  }

  /** The learned shape as a JSON Schema 2020-12 object (so an OpenAPI 3.1 schema), without `$schema`. */
  toSchema(): Record<string, unknown> {
    return schemaOf(this.#root)
  }

  /** The learning as plain JSON, for {@link ShapeLearner.fromJSON} elsewhere. */
  toJSON(): ShapeJSON {
    return { version: 1, root: nodeToJSON(this.#root) }
  }

  /** A learner holding serialised learning, within `limits`; throws a `TypeError` on malformed input. */
  static fromJSON(json: unknown, limits: ShapeLimits = {}): ShapeLearner {
    if (!isRecord(json) || json.version !== 1 || !isRecord(json.root)) {
      throw new TypeError('not a serialised ShapeLearner (version 1)')
    }
    const learner = new ShapeLearner(limits)
    learner.#absorb(learner.#root, json.root as unknown as ShapeNodeJSON, 0)
    return learner
  }

  #child(): ShapeNode | undefined {
    if (this.#nodes >= this.#maxNodes) return undefined
    this.#nodes++
    return newNode()
  }

  /** The node a property's values are learned in, made if the caps allow; `undefined` opens the object. */
  #property(node: ShapeNode, name: string): ShapeNode | undefined {
    const known = node.properties.get(name)
    if (known !== undefined) return known
    if (looksLikeValue(name)) {
      node.additional ??= this.#child()
      return node.additional
    }
    const child = node.properties.size < this.#maxProperties ? this.#child() : undefined
    if (child !== undefined) node.properties.set(name, child)
    return child
  }

  #observe(node: ShapeNode, value: unknown, depth: number): void {
    node.count++
    const type = jsonValueType(value)
    tallyType(node.tally, type)
    if (depth >= this.#maxDepth) return
    if (type.type === 'object' && isRecord(value)) {
      for (const name of Object.keys(value)) {
        const child = this.#property(node, name)
        if (child === undefined) node.open = true
        else this.#observe(child, value[name], depth + 1)
      }
    } else if (type.type === 'array' && Array.isArray(value)) {
      node.items ??= this.#child()
      if (node.items === undefined) return
      const length = Math.min(value.length, this.#maxArrayItems)
      for (let index = 0; index < length; index++) this.#observe(node.items, value[index], depth + 1)
    }
  }

  #absorb(node: ShapeNode, json: ShapeNodeJSON, depth: number): void {
    if (!isRecord(json)) throw new TypeError('a shape node must be an object')
    node.count += readCount(json.count)
    mergeTally(node.tally, json)
    if (depth >= this.#maxDepth) return
    if (json.open === true) node.open = true
    if (json.properties !== undefined) {
      if (!isRecord(json.properties)) throw new TypeError('shape properties must be an object')
      for (const [name, childJson] of Object.entries(json.properties)) {
        const child = this.#property(node, name)
        if (child === undefined) node.open = true
        else this.#absorb(child, childJson, depth + 1)
      }
    }
    if (json.additional !== undefined) {
      node.additional ??= this.#child()
      if (node.additional === undefined) node.open = true
      else this.#absorb(node.additional, json.additional, depth + 1)
    }
    if (json.items !== undefined) {
      node.items ??= this.#child()
      if (node.items !== undefined) this.#absorb(node.items, json.items, depth + 1)
    }
  }
}
