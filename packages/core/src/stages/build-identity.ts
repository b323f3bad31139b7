import type { GatewayConfig } from '../config/schema'
import type { Stage } from '../engine/stage'
import { compileRoutePattern } from '../matching/route-pattern'
import { AccessControlList, type AclRule, aclStage, parseAclSubject } from './acl/acl-stage'
import { buildApiKeys } from './api-key/build-api-keys'
import type { AuthMethod, AuthMethodName } from './auth/auth-method'
import {
  type AuthRouteRule,
  authenticateStage,
  credentialsMissing,
  type IdentityHeaderNames,
} from './auth/authenticate-stage'
import type { BuildContext } from './build-context'
import { buildIntrospection } from './introspection/build-introspection'
import { buildJwt } from './jwt/build-jwt'
import { buildMtls } from './mtls/build-mtls'

const defaultIdentityHeaders: IdentityHeaderNames = { consumer: 'x-consumer-id', groups: 'x-consumer-groups' }

function buildAcl(config: NonNullable<GatewayConfig['acl']>): AccessControlList {
  const rules = Array.isArray(config) ? config : config.rules
  const compiled: AclRule[] = rules.map((rule) => ({
    pattern: compileRoutePattern(rule.match),
    allow: (rule.allow ?? []).map(parseAclSubject),
    deny: (rule.deny ?? []).map(parseAclSubject),
  }))
  return new AccessControlList(compiled, !Array.isArray(config) && config.methodOverride === true)
}

/** The configured authentication methods, in a fixed order. */
function buildMethods(
  auth: NonNullable<GatewayConfig['auth']>,
  trustsProxies: boolean,
  realm: string,
  build: BuildContext,
): AuthMethod[] {
  const methods: AuthMethod[] = []
  if (auth.apiKeys !== undefined) methods.push(buildApiKeys(auth.apiKeys, realm, build))
  if (auth.jwt !== undefined) methods.push(buildJwt(auth.jwt, auth.introspection !== undefined, realm, build))
  if (auth.introspection !== undefined) {
    const locations = auth.jwt?.in ?? [{ header: 'authorization' }]
    methods.push(buildIntrospection(auth.introspection, locations, auth.jwt !== undefined, realm, build))
  }
  if (auth.mtls !== undefined) {
    const mtls = buildMtls(auth.mtls, trustsProxies, build)
    if (mtls !== undefined) methods.push(mtls)
  }
  return methods
}

function buildRoutes(
  routes: NonNullable<NonNullable<GatewayConfig['auth']>['routes']>,
  methods: readonly AuthMethod[],
  build: BuildContext,
): AuthRouteRule[] {
  const byName = new Map(methods.map((method) => [method.name, method]))
  const pick = (names: readonly AuthMethodName[] | undefined, path: string) =>
    names?.flatMap((name, index) => {
      const method = byName.get(name)
      if (method === undefined) build.problem(`${path}[${index}]`, `"${name}" is not configured in auth`)
      return method === undefined ? [] : [method]
    })
  return routes.map((route, index) => {
    const path = `auth.routes[${index}]`
    if (route.anyOf !== undefined && route.allOf !== undefined) build.problem(path, 'has both anyOf and allOf; use one')
    if (route.public !== true && route.anyOf === undefined && route.allOf === undefined) {
      build.problem(path, 'needs public, anyOf or allOf')
    }
    return {
      pattern: compileRoutePattern(route.match),
      public: route.public === true,
      anyOf: pick(route.anyOf as AuthMethodName[] | undefined, `${path}.anyOf`),
      allOf: pick(route.allOf as AuthMethodName[] | undefined, `${path}.allOf`),
    }
  })
}

/**
 * Builds the identity stages from `auth` and `acl`: `authenticate` (in the authenticate phase)
 * and `acl` (in the authorize phase). Problems found while compiling go to the build context.
 */
export function buildIdentityStages(config: GatewayConfig, trustsProxies: boolean, build: BuildContext): Stage[] {
  const { auth } = config
  const acl = config.acl === undefined ? undefined : buildAcl(config.acl)
  const realm = auth?.realm ?? 'api'
  const methods = auth === undefined ? [] : buildMethods(auth, trustsProxies, realm, build)
  const nonTls = methods.filter((method) => method.name !== 'mtls')
  const defaultMethods = nonTls.length > 0 ? nonTls : methods
  const stages: Stage[] = []
  if (auth !== undefined) {
    if (Object.keys(auth).every((key) => key === 'routes' || key === 'identityHeaders' || key === 'realm')) {
      build.problem('auth', 'needs at least one method: apiKeys, jwt, introspection or mtls')
    }
    const identityHeaders = auth.identityHeaders === false ? {} : (auth.identityHeaders ?? defaultIdentityHeaders)
    stages.push(
      authenticateStage({
        methods,
        routes: buildRoutes(auth.routes ?? [], methods, build),
        defaultMethods,
        allowsAnonymous: acl === undefined ? () => false : (ctx) => acl.allowsAnonymous(ctx),
        identityHeaders,
        realm,
      }),
    )
  }
  if (acl !== undefined && config.acl !== undefined) {
    const rules = Array.isArray(config.acl) ? config.acl : config.acl.rules
    if (auth === undefined) {
      rules.forEach((rule, index) => {
        if ((rule.allow ?? []).some((subject) => subject !== 'anonymous')) {
          build.problem(
            `acl${Array.isArray(config.acl) ? '' : '.rules'}[${index}].allow`,
            'names callers, but there is no auth section to identify them',
          )
        }
      })
    }
    stages.push(aclStage({ acl, identityRequired: () => credentialsMissing(defaultMethods), realm }))
  }
  return stages
}
