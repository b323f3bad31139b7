import type { GatewayConfig } from '../../config/schema'
import type { GatewayContext } from '../../engine/context'

/** Which requests count as API traffic for discovery. */
export type TrafficFilter = (ctx: GatewayContext) => boolean

/** Compiles `discovery.apiTraffic`: all requests, those carrying a header or cookie, or those under a path. */
export function compileTrafficFilter(setting: NonNullable<GatewayConfig['discovery']>['apiTraffic']): TrafficFilter {
  if (setting === undefined || setting === 'all') return () => true
  if ('header' in setting) {
    const name = setting.header.toLowerCase()
    return (ctx) => ctx.request.headers.has(name)
  }
  if ('cookie' in setting) return (ctx) => ctx.request.cookies[setting.cookie] !== undefined
  const prefix = setting.pathPrefix.endsWith('/') ? setting.pathPrefix.slice(0, -1) : setting.pathPrefix
  return (ctx) => ctx.request.path === prefix || ctx.request.path.startsWith(`${prefix}/`)
}
