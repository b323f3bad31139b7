/** The shape of a path position that is one fixed segment. */
export const LITERAL = 0
/** The shape of a path position that stands for any one segment ending in its suffix. */
export const VARIABLE = 1
/** The shape of a last path position that stands for all the segments left. */
export const REST = 2

/** A name seen this often at a position is a settled literal (`/users/me`, `/invoices/upcoming`). */
export const SETTLED_AFTER = 3

/** One position of a method's path tree, with the requests that ended there. */
export class PathNode {
  hits = 0
  count = 0
  /** Literal children that still count against the sibling threshold. */
  unsettled = 0
  known = false
  /** A variable that takes name-like values too (learned from a crowd of names, or a route's `{param}`). */
  absorbsNames = false
  /** The lengths of the id-like values a variable took, to catch an id that happens to read as a name. */
  shortest = Number.POSITIVE_INFINITY
  longest = 0
  name: string | undefined = undefined
  literals: Map<string, PathNode> | undefined = undefined
  variables: PathNode[] | undefined = undefined
  rest: PathNode | undefined = undefined
  knownTemplate: string | undefined = undefined
  cached: string | undefined = undefined
  cachedAt = -1
  constructor(
    /** The literal's text; a variable's suffix. */
    readonly label: string,
    readonly shape: number,
    readonly nameLike: boolean,
    /** Under `/`, `api`, `vN` or a date, crowds of names stay literals (Optic's reserved parents). */
    readonly reserved: boolean,
    readonly isDate: boolean,
  ) {}
}

/** The variable child of `node` with this suffix, if any. */
export function findVariable(node: PathNode, suffix: string): PathNode | undefined {
  const variables = node.variables
  if (variables !== undefined) for (const v of variables) if (v.label === suffix) return v
  return undefined
}
/**
 * Whether a name-like segment is as long as the ids `variable` took.
 *
 * A long "name" exactly as long as the ids a variable takes is one of them (a base62 id without
 * digits); real words beside ids (`search`, `upcoming`) are short.
 */
export const idLength = (variable: PathNode, segment: string) =>
  segment.length >= 16 && segment.length >= variable.shortest && segment.length <= variable.longest
/** Whether a literal child stays a literal whatever crowds its position. */
export const settled = (c: PathNode) => c.known || (c.nameLike && c.hits >= SETTLED_AFTER)

/** Calls `visit` on each child: literals, then variables, then the rest. */
export function forEachChild(node: PathNode, visit: (child: PathNode) => void): void {
  node.literals?.forEach(visit)
  node.variables?.forEach(visit)
  if (node.rest) visit(node.rest)
}

const childKey = (c: PathNode) => (c.shape === LITERAL ? c.label : c.shape === VARIABLE ? `{}${c.label}` : '**')

/** What a node's two levels below look like, to tell a popular owner from a true sibling route. */
export function structure(node: PathNode): Set<string> {
  const keys = new Set<string>()
  forEachChild(node, (child) => {
    keys.add(`1${childKey(child)}`)
    forEachChild(child, (grandchild) => keys.add(`2${childKey(grandchild)}`))
  })
  return keys
}

/** Records an id-like value's length on the variable it went to; returns the variable. */
export function widen(variable: PathNode | undefined, segment: string): PathNode | undefined {
  if (variable !== undefined) {
    if (segment.length < variable.shortest) variable.shortest = segment.length
    if (segment.length > variable.longest) variable.longest = segment.length
  }
  return variable
}

/** Whether most unsettled literals under `node` (and the `incoming` one, if given) are name-like. */
export function mostlyNames(node: PathNode, incoming: boolean | undefined): boolean {
  let names = incoming === true ? 1 : 0
  let total = incoming === undefined ? 0 : 1
  node.literals?.forEach((c) => {
    if (settled(c)) return
    total++
    if (c.nameLike) names++
  })
  return names * 2 > total
}

/** Sets `node.unsettled` to the literal children not settled. */
export function recount(node: PathNode): void {
  let unsettled = 0
  node.literals?.forEach((c) => {
    if (!settled(c)) unsettled++
  })
  node.unsettled = unsettled
}
