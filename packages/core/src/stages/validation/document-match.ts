import type { MatchedOperation, OperationSecurityScheme } from '../../engine/context'
import type { OperationMatch } from './operation-router'

/** The document's operation and the raw (still percent-encoded) path parameters a request matched. */
export type FoundOperation = Extract<OperationMatch, { kind: 'operation' }>

const decode = (value: string): string => {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/**
 * `ctx.operation` as the OpenAPI stage sets it: the public view for stages and the app, carrying
 * the router's match privately, so the validation stage finds it on the context itself.
 */
export class DocumentMatch implements MatchedOperation {
  readonly id: string | undefined
  readonly method: string
  readonly template: string
  readonly pathParams: Readonly<Record<string, string>>
  readonly security: readonly (readonly OperationSecurityScheme[])[] | undefined
  readonly #match: FoundOperation

  constructor(match: FoundOperation, security: DocumentMatch['security']) {
    this.#match = match
    this.id = match.operation.operationId
    this.method = match.operation.method
    this.template = match.operation.template
    this.pathParams = Object.fromEntries(Object.entries(match.pathParams).map(([name, raw]) => [name, decode(raw)]))
    this.security = security
  }

  /** The router's match behind `ctx.operation`, when this gateway's OpenAPI stage set it. */
  static matchOf(operation: MatchedOperation | undefined): FoundOperation | undefined {
    return operation instanceof DocumentMatch ? operation.#match : undefined
  }
}
