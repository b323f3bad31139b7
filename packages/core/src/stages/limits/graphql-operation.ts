import type { GatewayRequest } from '../../request/gateway-request'
import { jsonBodyOf } from './json-body'

// The first named operation of a document: `query Name`, `mutation Name(…)`, `subscription Name {…}`.
const namedOperation = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/

function nameFromPayload(operationName: unknown, query: unknown): string | undefined {
  if (typeof operationName === 'string' && operationName !== '') return operationName
  if (typeof query !== 'string') return undefined
  // A bounded look: the name comes first, and a huge document must not cost a long scan.
  return namedOperation.exec(query.slice(0, 4096))?.[1]
}

/**
 * The GraphQL operation a request runs: `operationName`, else the first named operation in the
 * query document; from a JSON POST body or, for GET, the query string. `undefined` for an
 * anonymous operation or a request that is not GraphQL.
 */
export async function graphqlOperationName(request: GatewayRequest): Promise<string | undefined> {
  if (request.method === 'GET') return nameFromPayload(request.query.get('operationName'), request.query.get('query'))
  const payload = await jsonBodyOf(request)
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined
  const { operationName, query } = payload as { operationName?: unknown; query?: unknown }
  return nameFromPayload(operationName, query)
}
