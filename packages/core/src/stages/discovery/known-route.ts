import type { GatewayContext } from '../../engine/context'

/**
 * The route template a request is known to have matched, as a full path: the framework's (Express,
 * Koa and Hono report the whole path) or else the OpenAPI operation's. An OpenAPI template is relative
 * to the server's base path, so the request path's leading segments stand in for the base.
 */
export function knownRouteTemplate(ctx: GatewayContext, frameworkTemplate: string | undefined): string | undefined {
  if (frameworkTemplate !== undefined && frameworkTemplate !== '') return frameworkTemplate
  const template = ctx.operation?.template
  if (template === undefined) return undefined
  const pathSegments = ctx.request.path.split('/').filter((segment) => segment !== '')
  const templateSegments = template.split('/').filter((segment) => segment !== '').length
  const base = pathSegments.slice(0, Math.max(0, pathSegments.length - templateSegments))
  return base.length === 0 ? template : `/${base.join('/')}${template}`
}
