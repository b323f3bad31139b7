import type { OpenApiOperation } from './openapi-model'

/** What the router found for a request. */
export type OperationMatch =
  | {
      readonly kind: 'operation'
      readonly operation: OpenApiOperation
      /** Template parameter values, still percent-encoded, by name. */
      readonly pathParams: Readonly<Record<string, string>>
    }
  /** The path is in the document, but not for this method. */
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'none' }

/** A template segment with a parameter and, around it, literal text: `{Sid}.json`, `v{major}.{minor}`. */
interface MixedSegment {
  readonly regex: RegExp
  readonly names: readonly string[]
  readonly node: RouteNode
}

/** One level of the route tree. */
interface RouteNode {
  readonly literal: Map<string, RouteNode>
  /** Whole-segment parameters (`{id}`), by name; different names at one level share the node. */
  param: { readonly names: Set<string>; readonly node: RouteNode } | undefined
  readonly mixed: MixedSegment[]
  readonly operations: Map<string, OpenApiOperation>
  /** The parameter name each param segment uses on the way to this node's operations, per template. */
  readonly paramNames: Map<OpenApiOperation, readonly string[]>
}

const newNode = (): RouteNode => ({
  literal: new Map(),
  param: undefined,
  mixed: [],
  operations: new Map(),
  paramNames: new Map(),
})

const wholeParam = /^\{([^{}]+)\}$/
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function mixedSegment(segment: string): { regex: RegExp; names: string[] } {
  const names: string[] = []
  const source = segment.replace(
    /\{([^{}]+)\}|([^{}]+)/g,
    (_match, name: string | undefined, text: string | undefined) => {
      if (name !== undefined) {
        names.push(name)
        return '([^/]+?)'
      }
      return escapeRegExp(text as string)
    },
  )
  return { regex: new RegExp(`^${source}$`), names }
}

/**
 * Matches requests to operations with a tree of path segments built once at start-up: a request
 * walks it segment by segment, trying the literal child first, then templated ones, so concrete
 * paths win over templated ones as OpenAPI asks (`/users/me` before `/users/{id}`).
 */
export class OperationRouter {
  readonly #root = newNode()

  /** `basePaths` from `servers`: every operation is routed under each of them. */
  constructor(operations: readonly OpenApiOperation[], basePaths: readonly string[]) {
    for (const operation of operations) {
      for (const base of basePaths.length === 0 ? [''] : basePaths)
        this.#add(this.#root, `${base}${operation.template}`, operation)
    }
  }

  #add(root: RouteNode, template: string, operation: OpenApiOperation): void {
    let node = root
    const names: string[] = []
    for (const segment of template.split('/').slice(1)) {
      const whole = wholeParam.exec(segment)
      if (whole !== null) {
        node.param ??= { names: new Set(), node: newNode() }
        node.param.names.add(whole[1] as string)
        names.push(whole[1] as string)
        node = node.param.node
      } else if (segment.includes('{')) {
        const { regex, names: segmentNames } = mixedSegment(segment)
        let mixed = node.mixed.find((candidate) => candidate.regex.source === regex.source)
        if (mixed === undefined) {
          mixed = { regex, names: segmentNames, node: newNode() }
          node.mixed.push(mixed)
        }
        names.push(...segmentNames)
        node = mixed.node
      } else {
        let next = node.literal.get(segment)
        if (next === undefined) {
          next = newNode()
          node.literal.set(segment, next)
        }
        node = next
      }
    }
    node.operations.set(operation.method, operation)
    node.paramNames.set(operation, names)
  }

  /** The operation for a method and a canonical, percent-encoded path. */
  match(method: string, encodedPath: string): OperationMatch {
    const segments = encodedPath.split('/').slice(1)
    // A trailing slash is not a different path for routing purposes.
    if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop()
    const found = this.#walk(this.#root, segments, 0, [], method.toUpperCase())
    return found ?? { kind: 'none' }
  }

  #walk(
    node: RouteNode,
    segments: readonly string[],
    index: number,
    values: string[],
    method: string,
  ): OperationMatch | undefined {
    if (index === segments.length) {
      if (node.operations.size === 0) return undefined
      const operation = node.operations.get(method) ?? (method === 'HEAD' ? node.operations.get('GET') : undefined)
      if (operation === undefined) return { kind: 'method-not-allowed', allowed: [...node.operations.keys()] }
      const names = node.paramNames.get(operation) ?? []
      // fromEntries: a parameter named `__proto__` stays an own key.
      const pathParams = Object.fromEntries(names.map((name, i) => [name, values[i] as string]))
      return { kind: 'operation', operation, pathParams }
    }
    const segment = segments[index] as string
    let fallback: OperationMatch | undefined
    const literal = node.literal.get(segment)
    if (literal !== undefined) {
      const found = this.#walk(literal, segments, index + 1, values, method)
      if (found?.kind === 'operation') return found
      fallback ??= found
    }
    for (const mixed of node.mixed) {
      const parts = mixed.regex.exec(segment)
      if (parts === null) continue
      const found = this.#walk(mixed.node, segments, index + 1, [...values, ...parts.slice(1)], method)
      if (found?.kind === 'operation') return found
      fallback ??= found
    }
    if (node.param !== undefined && segment !== '') {
      const found = this.#walk(node.param.node, segments, index + 1, [...values, segment], method)
      if (found?.kind === 'operation') return found
      fallback ??= found
    }
    return fallback
  }
}
