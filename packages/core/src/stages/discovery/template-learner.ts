import { type KnownSegment, parseKnownTemplate, renderKnownTemplate } from './known-template'
import { classifySegment, isNameLike, isVersionSegment } from './segment-kind'
import { forEachChild, LITERAL, type PathNode, REST, recount, SETTLED_AFTER } from './template-node'
import { TemplateTree } from './template-tree'

/** Bounds of a {@link TemplateLearner}. */
export interface TemplateLearnerOptions {
  /** Path-tree nodes kept across all methods; past it, new shapes count in the overflow bucket. Default: 10 000. */
  readonly maxNodes?: number
  /** Unsettled literal values a position holds before it becomes a variable. Default: 10. */
  readonly siblingThreshold?: number
  /** Paths with more segments count in the overflow bucket. Default: 32. */
  readonly maxSegments?: number
}

/** One endpoint a {@link TemplateLearner} knows: a method, a template such as `/users/{var1}`, and its requests. */
export interface LearnedEndpoint {
  readonly method: string
  readonly template: string
  readonly count: number
}

/** The template of requests that hit a bound (node cap, segment cap, a path not starting with `/`). */
export const OVERFLOW_TEMPLATE = '(overflow)'

// A framework has a fixed set of routes; past this many, known templates are re-parsed per request.
const MAX_KNOWN_ROUTES = 4096

/**
 * Learns endpoint templates (`GET /v1/customers/{var1}`) from the paths of sampled requests.
 *
 * One path tree per method. A segment that is an id by its look (integer, UUID, hex digest,
 * e-mail, prefixed id, random token) is a variable at once; a date is one once two distinct dates
 * were seen at the position (so Twilio's `/2010-04-01/` stays literal). Other segments are literal
 * until more than `siblingThreshold` unsettled literals crowd one position, which then becomes a
 * variable and absorbs the value-like ones (`h1`…`h300`). A name seen {@link SETTLED_AFTER} times
 * is settled and stays a literal beside the variable (`/users/me`, `/invoices/upcoming`), except
 * when the crowd was itself names (GitHub owners) and the name's subtree looks like theirs. Under
 * `/`, `api`, `vN` and dates, names never collapse (Stripe's dozens of `/v1/` resources).
 * Positions only ever generalise: a variable never turns back into literals.
 *
 * A `knownTemplate` (the framework's matched route, or an OpenAPI path) is ground truth: it is
 * returned as given (normalised to `{name}`) and recorded, so unmatched paths that fit it later
 * get the same template.
 *
 * Privacy: a template never holds a value classified as an id. At most `siblingThreshold`
 * unsettled literal values (and one date) are held per position, and those only while they are
 * literal by look; settled names are kept, as they are the API's own words. Memory is bounded by
 * `maxNodes`: past it, new shapes only increment the `(overflow)` bucket.
 */
export class TemplateLearner {
  private readonly maxSegments: number
  private readonly tree: TemplateTree
  private readonly roots = new Map<string, PathNode>()
  private readonly trail: PathNode[] = []
  // Known routes are never merged away (their nodes are known), so their terminals can be cached.
  private readonly knownRoutes = new Map<string, { readonly template: string; readonly terminal: PathNode }>()
  private depth = 0

  constructor(options: TemplateLearnerOptions = {}) {
    this.maxSegments = options.maxSegments ?? 32
    this.tree = new TemplateTree(options.maxNodes ?? 10_000, options.siblingThreshold ?? 10)
  }

  /** Learns from one request and returns its template now, e.g. `/accounts/{var1}/invoices/upcoming`. */
  observe(method: string, path: string, knownTemplate?: string): string {
    const verb = method.toUpperCase()
    if (knownTemplate !== undefined) {
      const template = this.recordKnown(verb, knownTemplate)
      if (template !== undefined) return template
    }
    const terminal = this.walk(verb, path, true)
    if (terminal === undefined) {
      this.tree.overflow++
      return OVERFLOW_TEMPLATE
    }
    terminal.count++
    return this.templateAt(terminal)
  }

  /** The template a request would get now, learning nothing; unseen segments are guessed by their look. */
  templateOf(method: string, path: string): string {
    const verb = method.toUpperCase()
    const terminal = this.walk(verb, path, false)
    if (terminal !== undefined) return this.templateAt(terminal)
    if (this.depth < 0) return OVERFLOW_TEMPLATE
    // The walk stopped at the first segment it had no child for: guess the rest, never echoing a value.
    let template = this.depth === 0 ? '' : this.render(this.depth)
    let variables = this.trail.slice(0, this.depth).filter((n) => n.shape !== LITERAL).length
    const unseen = path.split('/').filter((segment) => segment !== '')
    for (const segment of unseen.slice(this.depth)) {
      const { kind, suffix } = classifySegment(segment)
      const literal = kind === 'literal' && isNameLike(segment)
      template += `/${literal ? segment : `{var${++variables}}${suffix}`}`
    }
    return template === '' ? '/' : template
  }

  /** Every endpoint with its request count, busiest first; `{ method: '*', template: '(overflow)' }` when bounds were hit. */
  endpoints(): LearnedEndpoint[] {
    const found: LearnedEndpoint[] = []
    const visit = (method: string, node: PathNode, depth: number) => {
      if (node.count > 0) found.push({ method, template: node.knownTemplate ?? this.render(depth), count: node.count })
      forEachChild(node, (child) => {
        this.trail[depth] = child
        visit(method, child, depth + 1)
      })
    }
    for (const [method, root] of this.roots) visit(method, root, 0)
    if (this.tree.overflow > 0) found.push({ method: '*', template: OVERFLOW_TEMPLATE, count: this.tree.overflow })
    const key = (e: LearnedEndpoint) => `${e.template} ${e.method}`
    return found.sort((a, b) => b.count - a.count || key(a).localeCompare(key(b)))
  }

  /** Path-tree nodes in use, for watching the memory bound. */
  get nodeCount(): number {
    return this.tree.nodes
  }

  // Follows (and when learning, grows) the tree; fills `trail`/`depth`. Returns the terminal node,
  // or undefined with `depth` = -1 for a path out of bounds, else the depth reached.
  private walk(verb: string, path: string, learn: boolean): PathNode | undefined {
    this.depth = -1
    if (path.charCodeAt(0) !== 47) return undefined
    let segmentCount = 0
    for (let i = 1; i < path.length; i++) if (path.charCodeAt(i - 1) === 47 && path.charCodeAt(i) !== 47) segmentCount++
    if (segmentCount > this.maxSegments) return undefined
    this.depth = 0
    let node = this.roots.get(verb)
    if (node === undefined) {
      node = learn ? this.tree.create('', LITERAL, true, true, false) : undefined
      if (node === undefined) return undefined
      this.roots.set(verb, node)
    }
    let start = 1
    while (start < path.length) {
      let end = path.indexOf('/', start)
      if (end === -1) end = path.length
      if (end === start) {
        start++
        continue
      }
      const segment = path.slice(start, end)
      start = end + 1
      const child = this.tree.step(node, segment, learn)
      if (child === undefined) return undefined
      if (learn && ++child.hits === SETTLED_AFTER && child.shape === LITERAL && child.nameLike && !child.known) {
        node.unsettled--
      }
      this.trail[this.depth++] = child
      node = child
      if (child.shape === REST) break
    }
    return node
  }

  // Returns the normalised template, or undefined when `source` is not a route template.
  private recordKnown(verb: string, source: string): string | undefined {
    const key = `${verb} ${source}`
    const seen = this.knownRoutes.get(key)
    if (seen !== undefined) {
      seen.terminal.count++
      return seen.template
    }
    const segments = parseKnownTemplate(source, this.maxSegments)
    if (segments === undefined) return undefined
    const template = renderKnownTemplate(segments)
    const terminal = this.recordSegments(verb, segments, template)
    if (terminal === undefined) this.tree.overflow++
    else if (this.knownRoutes.size < MAX_KNOWN_ROUTES) this.knownRoutes.set(key, { template, terminal })
    return template
  }

  private recordSegments(verb: string, segments: KnownSegment[], template: string): PathNode | undefined {
    let node = this.roots.get(verb)
    if (node === undefined) {
      node = this.tree.create('', LITERAL, true, true, false)
      if (node === undefined) return undefined
      this.roots.set(verb, node)
    }
    for (const s of segments) {
      let child: PathNode | undefined
      if (s.shape === LITERAL) {
        child = node.literals?.get(s.text)
        if (child === undefined) {
          child = this.tree.create(s.text, LITERAL, true, s.text === 'api' || isVersionSegment(s.text), false)
          if (child === undefined) return undefined
          node.literals ??= new Map()
          node.literals.set(s.text, child)
        }
        if (!child.known) {
          child.known = true
          recount(node)
        }
      } else if (s.shape === REST) {
        child = node.rest ?? this.tree.create('', REST, false, false, false)
        if (child === undefined) return undefined
        node.rest = child
        child.known = true
        child.name ??= s.name
      } else {
        child = this.tree.ensureVariable(node, s.suffix)
        if (child === undefined) return undefined
        if (!child.known || !child.absorbsNames) {
          child.known = true
          child.name ??= s.name
          child.absorbsNames = true
          this.tree.absorbInto(node, child)
        }
      }
      child.hits++
      node = child
      if (child.shape === REST) break
    }
    node.count++
    node.knownTemplate ??= template
    return node
  }

  private templateAt(terminal: PathNode): string {
    if (terminal.knownTemplate !== undefined) return terminal.knownTemplate
    if (terminal.cachedAt === this.tree.generation && terminal.cached !== undefined) return terminal.cached
    terminal.cached = this.render(this.depth)
    terminal.cachedAt = this.tree.generation
    return terminal.cached
  }

  // The template of `trail[0..depth)`, variables numbered left to right.
  private render(depth: number): string {
    let template = ''
    let variables = 0
    for (let i = 0; i < depth; i++) {
      const node = this.trail[i]
      if (node === undefined) break
      if (node.shape === LITERAL) template += `/${node.label}`
      else if (node.shape === REST) template += '/**'
      else {
        variables++
        template += `/{${node.name ?? `var${variables}`}}${node.label}`
      }
    }
    return template === '' ? '/' : template
  }
}
