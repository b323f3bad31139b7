import type { GatewayContext } from '../../engine/context'
import type { Principal } from '../../engine/principal'
import { deny, proceed, type Stage } from '../../engine/stage'
import { GatewayError } from '../../errors/gateway-error'
import type { RoutePattern } from '../../matching/route-pattern'
import { challenge } from '../auth/challenge'

/** Who an access rule names. */
export type AclSubject =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'group'; readonly value: string }
  | { readonly kind: 'scope'; readonly value: string }
  | { readonly kind: 'consumer'; readonly value: string }

/** Reads a subject as written in the config: `anonymous`, `authenticated`, `scope:x`, `consumer:x`, `group:x` or a group name. */
export function parseAclSubject(text: string): AclSubject {
  if (text === 'anonymous' || text === 'authenticated') return { kind: text }
  const colon = text.indexOf(':')
  const prefix = colon === -1 ? '' : text.slice(0, colon)
  if (prefix === 'scope' || prefix === 'consumer' || prefix === 'group')
    return { kind: prefix, value: text.slice(colon + 1) }
  return { kind: 'group', value: text }
}

/** One compiled access rule. */
export interface AclRule {
  readonly pattern: RoutePattern
  readonly allow: readonly AclSubject[]
  readonly deny: readonly AclSubject[]
}

function names(subject: AclSubject, principal: Principal | undefined): boolean {
  switch (subject.kind) {
    case 'anonymous':
      return true
    case 'authenticated':
      return principal !== undefined
    case 'group':
      return principal?.groups.includes(subject.value) === true
    case 'scope':
      return principal?.scopes.includes(subject.value) === true
    case 'consumer':
      return principal?.consumer === subject.value
  }
}

/** The compiled access-control list. */
export class AccessControlList {
  readonly #rules: readonly AclRule[]
  readonly #methodOverride: boolean

  constructor(rules: readonly AclRule[], methodOverride: boolean) {
    this.#rules = rules
    this.#methodOverride = methodOverride
  }

  /**
   * The method rules are matched with: the real one, or, when enabled, a POST's
   * `X-HTTP-Method-Override` (a client must not otherwise pick the method an ACL sees).
   */
  methodOf(ctx: GatewayContext): string {
    const { method, headers } = ctx.request
    if (!this.#methodOverride || method !== 'POST') return method
    const override = headers.get('x-http-method-override')
    return override === null || override.trim() === '' ? method : override.trim().toUpperCase()
  }

  /** The first rule that matches the request, if any. */
  ruleFor(ctx: GatewayContext): AclRule | undefined {
    const method = this.methodOf(ctx)
    return this.#rules.find((rule) => rule.pattern.matches(method, ctx.request.path))
  }

  /** Whether the rule for this request lets anyone call it. */
  allowsAnonymous(ctx: GatewayContext): boolean {
    return this.ruleFor(ctx)?.allow.some((subject) => subject.kind === 'anonymous') === true
  }
}

/** Options of {@link aclStage}. */
export interface AclStageOptions {
  readonly acl: AccessControlList
  /** The denial for a caller with no identity on a route that needs one (from the auth methods). */
  readonly identityRequired: () => GatewayError
  readonly realm: string
}

/**
 * The `authorize` stage: the first rule matching the canonical path and the real method decides.
 * `deny` wins over `allow`; no identity where one is needed is 401, an identity without the right
 * is 403, and a request no rule matches is denied.
 */
export function aclStage(options: AclStageOptions): Stage {
  const { acl, identityRequired, realm } = options
  return {
    name: 'acl',
    phase: 'authorize',
    run(ctx) {
      const rule = acl.ruleFor(ctx)
      if (rule === undefined)
        return deny(new GatewayError('acl.no_matching_rule', { detail: 'No access rule covers this request.' }))
      const { principal } = ctx
      if (rule.deny.some((subject) => subject.kind !== 'anonymous' && names(subject, principal))) {
        return deny(new GatewayError('acl.denied', { detail: 'An access rule denies this caller.' }))
      }
      if (rule.deny.some((subject) => subject.kind === 'anonymous') && principal === undefined)
        return deny(identityRequired())
      if (rule.allow.some((subject) => names(subject, principal))) return proceed
      if (principal === undefined) return deny(identityRequired())
      const scopes = rule.allow
        .filter((subject) => subject.kind === 'scope')
        .map((subject) => (subject as { value: string }).value)
      if (scopes.length > 0 && (principal.credential === 'jwt' || principal.credential === 'introspection')) {
        return deny(
          new GatewayError('acl.insufficient_scope', {
            detail: `This route needs one of the scopes: ${scopes.join(', ')}.`,
            headers: {
              'www-authenticate': challenge('Bearer', { realm, error: 'insufficient_scope', scope: scopes.join(' ') }),
            },
          }),
        )
      }
      return deny(new GatewayError('acl.forbidden', { detail: 'The caller may not call this route.' }))
    },
  }
}
