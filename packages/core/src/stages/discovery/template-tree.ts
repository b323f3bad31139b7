import { classifySegment, isNameLike, isVersionSegment, type SegmentClass } from './segment-kind'
import {
  findVariable,
  forEachChild,
  idLength,
  LITERAL,
  mostlyNames,
  PathNode,
  recount,
  settled,
  structure,
  VARIABLE,
  widen,
} from './template-node'

/**
 * How a `TemplateLearner`'s path trees grow and collapse within their bounds: at most
 * `maxNodes` nodes in all, and `threshold` unsettled literals a position holds before it becomes
 * a variable. Past the node cap, new shapes count in `overflow`.
 */
export class TemplateTree {
  /** Path-tree nodes in use. */
  nodes = 0
  /** Requests counted in the overflow bucket. */
  overflow = 0
  /** Bumped whenever a subtree moves or a variable is renamed: it invalidates cached templates. */
  generation = 0
  private readonly maxNodes: number
  private readonly threshold: number

  constructor(maxNodes: number, threshold: number) {
    this.maxNodes = maxNodes
    this.threshold = threshold
  }

  /** The child `segment` goes to under `node`; when learning, grown if there is none. */
  step(node: PathNode, segment: string, learn: boolean): PathNode | undefined {
    const literal = node.literals?.get(segment)
    if (literal !== undefined) return literal
    const cls = classifySegment(segment)
    const matched = this.match(node, segment, cls)
    return matched !== undefined || !learn ? matched : this.grow(node, segment, cls)
  }

  /** The variable child of `node` with this suffix, made (and its literals absorbed) if there is none. */
  ensureVariable(node: PathNode, suffix: string): PathNode | undefined {
    let variable = findVariable(node, suffix)
    if (variable !== undefined) return variable
    variable = this.create(suffix, VARIABLE, false, false, false)
    if (variable === undefined) return undefined
    node.variables ??= []
    node.variables.push(variable)
    this.absorbInto(node, variable)
    return variable
  }

  /** Moves the literal children a variable now stands for into it. */
  absorbInto(node: PathNode, variable: PathNode): void {
    const literals = node.literals
    this.generation++
    if (literals !== undefined) {
      for (const [label, c] of literals) {
        if (c.known || !label.endsWith(variable.label) || settled(c) || (c.nameLike && !variable.absorbsNames)) continue
        literals.delete(label)
        this.merge(variable, c)
      }
      if (variable.absorbsNames && variable.label === '') {
        let crowd: Set<string> | undefined
        for (const [label, c] of literals) {
          if (c.known) continue
          crowd ??= structure(variable)
          const shared = crowd
          if (![...structure(c)].some((key) => shared.has(key))) continue
          literals.delete(label)
          this.merge(variable, c)
        }
      }
    }
    recount(node)
  }

  /** A new node, or `undefined` at the node cap. */
  create(label: string, shape: number, nameLike: boolean, reserved: boolean, isDate: boolean) {
    if (this.nodes >= this.maxNodes) return undefined
    this.nodes++
    return new PathNode(label, shape, nameLike, reserved, isDate)
  }

  // Where an unseen value goes among the existing children, if anywhere.
  private match(node: PathNode, segment: string, cls: SegmentClass): PathNode | undefined {
    if (node.variables !== undefined) {
      const plain = findVariable(node, '')
      if (cls.kind !== 'literal') {
        const variable = findVariable(node, cls.suffix)
        if (variable !== undefined) return widen(variable, segment)
        if (plain?.known) return plain
      } else {
        if (plain !== undefined && (plain.absorbsNames || !isNameLike(segment) || idLength(plain, segment)))
          return plain
        for (const v of node.variables) {
          if (v.known && v.label !== '' && segment.length > v.label.length && segment.endsWith(v.label)) return v
        }
      }
    }
    return node.rest
  }

  private grow(node: PathNode, segment: string, cls: SegmentClass): PathNode | undefined {
    if (cls.kind === 'literal') return this.addLiteral(node, segment, isNameLike(segment), false)
    if (cls.kind !== 'date') return widen(this.ensureVariable(node, cls.suffix), segment)
    // A date at a reserved position is an API version; elsewhere the second distinct date makes a variable.
    if (node.reserved) return this.addLiteral(node, segment, true, true)
    let dated = false
    node.literals?.forEach((c) => {
      dated ||= c.isDate
    })
    return dated ? this.ensureVariable(node, cls.suffix) : this.addLiteral(node, segment, false, true)
  }

  private addLiteral(node: PathNode, segment: string, nameLike: boolean, isDate: boolean): PathNode | undefined {
    if (node.unsettled >= this.threshold) {
      if (node.reserved && nameLike) {
        let valueLike = false
        node.literals?.forEach((c) => {
          valueLike ||= !settled(c) && !c.nameLike
        })
        if (valueLike) this.collapse(node, false)
        if (node.unsettled >= this.threshold) return undefined
      } else {
        const variable = this.collapse(node, !node.reserved && mostlyNames(node, nameLike))
        if (variable === undefined || variable.absorbsNames || !nameLike || node.unsettled >= this.threshold) {
          return variable
        }
      }
    }
    const reserved = isDate || segment === 'api' || isVersionSegment(segment)
    const child = this.create(segment, LITERAL, nameLike, reserved, isDate)
    if (child === undefined) return undefined
    node.literals ??= new Map()
    node.literals.set(segment, child)
    node.unsettled++
    return child
  }

  private collapse(node: PathNode, absorbNames: boolean): PathNode | undefined {
    const variable = this.ensureVariable(node, '')
    if (variable !== undefined && absorbNames && !variable.absorbsNames) {
      variable.absorbsNames = true
      this.absorbInto(node, variable)
    }
    return variable
  }

  private merge(into: PathNode, from: PathNode): void {
    this.nodes--
    into.hits += from.hits
    into.count += from.count
    into.knownTemplate ??= from.knownTemplate
    from.literals?.forEach((c) => {
      const same = into.literals?.get(c.label)
      if (same !== undefined) this.merge(same, c)
      else {
        into.literals ??= new Map()
        into.literals.set(c.label, c)
      }
    })
    from.variables?.forEach((c) => {
      const same = findVariable(into, c.label)
      if (same === undefined) {
        into.variables ??= []
        into.variables.push(c)
        return
      }
      same.absorbsNames ||= c.absorbsNames
      same.shortest = Math.min(same.shortest, c.shortest)
      same.longest = Math.max(same.longest, c.longest)
      same.known ||= c.known
      same.name ??= c.name
      this.merge(same, c)
    })
    if (from.rest !== undefined) {
      if (into.rest === undefined) into.rest = from.rest
      else this.merge(into.rest, from.rest)
    }
    this.normalize(into)
  }

  // After a merge: let variables take what they stand for, and re-apply the sibling threshold.
  private normalize(node: PathNode): void {
    const variable = findVariable(node, '')
    if (variable !== undefined) this.absorbInto(node, variable)
    else recount(node)
    if (node.unsettled <= this.threshold) return
    if (!node.reserved) this.collapse(node, mostlyNames(node, undefined))
    if (node.unsettled > this.threshold && !node.reserved) this.collapse(node, true)
    if (node.unsettled > this.threshold) this.shed(node)
  }

  // Drops unsettled literals past the threshold (only reachable through merges under reserved
  // positions or at the node cap); their requests move to the overflow bucket.
  private shed(node: PathNode): void {
    const literals = node.literals
    if (literals === undefined) return
    for (const [label, c] of literals) {
      if (node.unsettled <= this.threshold) break
      if (settled(c)) continue
      literals.delete(label)
      node.unsettled--
      const drop = (n: PathNode) => {
        this.nodes--
        this.overflow += n.count
        forEachChild(n, drop)
      }
      drop(c)
    }
    this.generation++
  }
}
