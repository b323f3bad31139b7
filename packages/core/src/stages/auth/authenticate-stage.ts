import type { GatewayContext } from '../../engine/context'
import type { Principal } from '../../engine/principal'
import { deny, proceed, type Stage } from '../../engine/stage'
import { GatewayError } from '../../errors/gateway-error'
import type { RoutePattern } from '../../matching/route-pattern'
import type { AuthMethod } from './auth-method'
import { authenticateByDocument, schemeMethodsOf } from './document-security'

/** Which credentials one route takes. */
export interface AuthRouteRule {
  readonly pattern: RoutePattern
  /** No credential needed; one that is presented is still checked. */
  readonly public: boolean
  /** Any one of these methods (the first whose credential is present). */
  readonly anyOf: readonly AuthMethod[] | undefined
  /** All of these methods, each with its own credential. */
  readonly allOf: readonly AuthMethod[] | undefined
}

/** The headers that carry the caller's identity onward. */
export interface IdentityHeaderNames {
  readonly consumer?: string | undefined
  readonly groups?: string | undefined
  readonly scopes?: string | undefined
  readonly credential?: string | undefined
}

/** Options of {@link authenticateStage}. */
export interface AuthenticateOptions {
  /** Every configured method, in config order. */
  readonly methods: readonly AuthMethod[]
  /** Route rules; the first match wins. */
  readonly routes: readonly AuthRouteRule[]
  /** What a route no rule matches takes (any of these). */
  readonly defaultMethods: readonly AuthMethod[]
  /** Whether the access rules let anyone call this route (then no credential is needed). */
  readonly allowsAnonymous: (ctx: GatewayContext) => boolean
  readonly identityHeaders: IdentityHeaderNames
  /** The realm of the challenges. */
  readonly realm: string
}

/** The denial for a protected route called without a credential it takes. */
export function credentialsMissing(methods: readonly AuthMethod[]): GatewayError {
  // JWT and introspection share the Bearer challenge: send each challenge once.
  const challenges = [
    ...new Set(methods.map((method) => method.challenge).filter((value): value is string => value !== undefined)),
  ]
  if (challenges.length === 0) {
    return new GatewayError('mtls.certificate_required', { detail: 'This route needs a client certificate.' })
  }
  const names = methods.map((method) => method.name).join(', ')
  return new GatewayError('auth.credentials_missing', {
    detail: `This route needs credentials: ${names}.`,
    headers: { 'www-authenticate': challenges.join(', ') },
  })
}

/** The identity of a caller who proved several things at once (a route with `allOf`). */
function combine(principals: readonly Principal[]): Principal {
  if (principals.length === 1) return principals[0] as Principal
  const primary = principals.find((principal) => principal.credential !== 'mtls') ?? (principals[0] as Principal)
  const unique = (values: readonly string[]) => [...new Set(values)]
  const certificate = principals.find((principal) => principal.certificate !== undefined)?.certificate
  return {
    consumer: primary.consumer,
    groups: unique(principals.flatMap((principal) => principal.groups)),
    scopes: unique(principals.flatMap((principal) => principal.scopes)),
    claims: Object.assign({}, ...principals.map((principal) => principal.claims)),
    credential: principals.map((principal) => principal.credential).join('+'),
    ...(certificate === undefined ? {} : { certificate }),
  }
}

/**
 * The `authenticate` stage: finds which credentials the route takes, verifies the one presented (or
 * all of them), and sets `ctx.principal`. An `auth.routes` rule decides first; without one, the
 * OpenAPI operation's `security` does, when the document says; else any configured method will do.
 * A route is protected unless it is public (in `auth.routes`, by an access rule that allows anonymous
 * callers, or by `security: []`); a credential that is presented and fails is refused even on a
 * public route. Identity headers a client sent are always removed.
 */
export function authenticateStage(options: AuthenticateOptions): Stage {
  const { routes, defaultMethods, identityHeaders, allowsAnonymous } = options
  const headerNames = Object.values(identityHeaders).filter((name): name is string => name !== undefined)
  const documentMethods = schemeMethodsOf(options.methods)
  return {
    name: 'authenticate',
    phase: 'authenticate',
    async run(ctx) {
      for (const name of headerNames) if (ctx.request.headers.has(name)) ctx.onward.removeHeader(name)
      const { method, path } = ctx.request
      const rule = routes.find((candidate) => candidate.pattern.matches(method, path))
      let isPublic = rule?.public === true || allowsAnonymous(ctx)
      const documented = ctx.operation?.security
      let principal: Principal | undefined
      if (rule === undefined && documented !== undefined) {
        // No auth route says otherwise: the OpenAPI document's security requirements decide.
        const result = await authenticateByDocument(ctx, documented, documentMethods, options.realm)
        if (result.kind === 'refused') return deny(result.error)
        if (result.kind === 'missing' && !isPublic) return deny(credentialsMissing(result.methods))
        if (result.kind === 'authenticated') principal = combine(result.principals)
        // A public operation still checks a credential that is presented, below.
        isPublic = true
      }
      if (principal === undefined && rule?.allOf !== undefined) {
        const required = rule.allOf
        if (isPublic && !required.some((candidate) => candidate.present(ctx))) return proceed
        const missing = required.filter((candidate) => !candidate.present(ctx))
        if (missing.length > 0) return deny(credentialsMissing(missing))
        const principals: Principal[] = []
        for (const candidate of required) {
          const result = await candidate.authenticate(ctx)
          if (!result.ok) return deny(result.error)
          principals.push(result.principal)
        }
        principal = combine(principals)
      } else if (principal === undefined) {
        const accepted = rule?.anyOf ?? defaultMethods
        const chosen = accepted.find((candidate) => candidate.present(ctx))
        if (chosen === undefined) return isPublic ? proceed : deny(credentialsMissing(accepted))
        const result = await chosen.authenticate(ctx)
        if (!result.ok) return deny(result.error)
        principal = result.principal
      }
      ctx.principal = principal
      if (identityHeaders.consumer !== undefined) ctx.onward.setHeader(identityHeaders.consumer, principal.consumer)
      if (identityHeaders.groups !== undefined) ctx.onward.setHeader(identityHeaders.groups, principal.groups.join(','))
      if (identityHeaders.scopes !== undefined) ctx.onward.setHeader(identityHeaders.scopes, principal.scopes.join(' '))
      if (identityHeaders.credential !== undefined)
        ctx.onward.setHeader(identityHeaders.credential, principal.credential)
      return proceed
    },
    proxyHeaders: [...new Set(options.methods.flatMap((candidate) => candidate.proxyHeaders ?? []))],
    close() {
      for (const candidate of options.methods) candidate.close?.()
    },
  }
}
