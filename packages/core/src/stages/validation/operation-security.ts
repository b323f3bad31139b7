import type { OperationSecurityScheme } from '../../engine/context'
import type { OpenApiDocumentModel, OpenApiOperation } from './openapi-model'

function kindOf(scheme: Readonly<Record<string, unknown>> | undefined): OperationSecurityScheme['kind'] {
  const type = scheme?.type
  if (type === 'apiKey') return 'apiKey'
  if (type === 'mutualTLS') return 'mutualTLS'
  if (type === 'oauth2' || type === 'openIdConnect') return 'bearer'
  if (type === 'http' && typeof scheme?.scheme === 'string' && scheme.scheme.toLowerCase() === 'bearer') return 'bearer'
  return 'other'
}

type Requirements = readonly (readonly OperationSecurityScheme[])[] | undefined

// Worked out once per operation: every request for it shares the result.
const resolved = new WeakMap<OpenApiOperation, Requirements>()

/** An operation's security requirements, with each scheme's kind, for the authenticate stage. */
export function operationSecurity(operation: OpenApiOperation, model: OpenApiDocumentModel): Requirements {
  if (resolved.has(operation)) return resolved.get(operation)
  const requirements = operation.security?.map((requirement) =>
    Object.entries(requirement).map(([name, scopes]) => ({ name, kind: kindOf(model.securitySchemes[name]), scopes })),
  )
  resolved.set(operation, requirements)
  return requirements
}
