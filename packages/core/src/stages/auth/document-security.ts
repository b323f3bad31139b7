import type { GatewayContext, OperationSecurityScheme } from '../../engine/context'
import type { Principal } from '../../engine/principal'
import { GatewayError } from '../../errors/gateway-error'
import type { AuthMethod, AuthMethodName } from './auth-method'
import { challenge } from './challenge'

/** Which configured methods can satisfy a scheme of each kind. */
const methodNamesByKind: Readonly<Record<OperationSecurityScheme['kind'], readonly AuthMethodName[]>> = {
  apiKey: ['apiKeys'],
  bearer: ['jwt', 'introspection'],
  mutualTLS: ['mtls'],
  other: [],
}

/** The configured methods that can satisfy a scheme of each kind, worked out once. */
export type SchemeMethods = Readonly<Record<OperationSecurityScheme['kind'], readonly AuthMethod[]>>

/** Sorts the configured methods by the kind of scheme each can satisfy. */
export function schemeMethodsOf(methods: readonly AuthMethod[]): SchemeMethods {
  const of = (kind: OperationSecurityScheme['kind']) =>
    methods.filter((method) => methodNamesByKind[kind].includes(method.name))
  return { apiKey: of('apiKey'), bearer: of('bearer'), mutualTLS: of('mutualTLS'), other: of('other') }
}

/** What the document's security requirements make of a request. */
export type DocumentSecurityResult =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticated'; readonly principals: readonly Principal[] }
  | { readonly kind: 'refused'; readonly error: GatewayError }
  | { readonly kind: 'missing'; readonly methods: readonly AuthMethod[] }

/**
 * Applies an operation's OpenAPI `security` (alternatives, each needing all of its schemes): the
 * first alternative whose credentials are all present is verified, and its scopes must all be
 * granted. `security: []`, or an empty requirement, makes the operation public.
 */
export async function authenticateByDocument(
  ctx: GatewayContext,
  requirements: readonly (readonly OperationSecurityScheme[])[],
  methods: SchemeMethods,
  realm: string,
): Promise<DocumentSecurityResult> {
  if (requirements.length === 0 || requirements.some((requirement) => requirement.length === 0))
    return { kind: 'public' }
  const candidates = (scheme: OperationSecurityScheme) => methods[scheme.kind]
  for (const requirement of requirements) {
    const chosen = requirement.map((scheme) => candidates(scheme).find((method) => method.present(ctx)))
    if (chosen.some((method) => method === undefined)) continue
    const principals: Principal[] = []
    for (const method of new Set(chosen as AuthMethod[])) {
      const result = await method.authenticate(ctx)
      if (!result.ok) return { kind: 'refused', error: result.error }
      principals.push(result.principal)
    }
    const needed = missingScopes(requirement, principals)
    if (needed.length > 0) {
      return {
        kind: 'refused',
        error: new GatewayError('acl.insufficient_scope', {
          detail: `This operation needs the scopes: ${needed.join(', ')}.`,
          headers: {
            'www-authenticate': challenge('Bearer', { realm, error: 'insufficient_scope', scope: needed.join(' ') }),
          },
        }),
      }
    }
    return { kind: 'authenticated', principals }
  }
  const asked = new Set(requirements.flatMap((requirement) => requirement.flatMap(candidates)))
  return { kind: 'missing', methods: [...asked] }
}

/** The scopes a requirement lists that none of the principals was granted. */
function missingScopes(requirement: readonly OperationSecurityScheme[], principals: readonly Principal[]): string[] {
  const asked = requirement.flatMap((scheme) => scheme.scopes)
  if (asked.length === 0) return asked
  const granted = new Set(principals.flatMap((principal) => principal.scopes))
  return asked.filter((scope) => !granted.has(scope))
}
