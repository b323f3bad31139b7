/**
 * The gateway configs of the routing benchmark, shared by its server (node-routes.ts) and its
 * micro benchmark. Each answers the benchmark routes (`GET /users/42`, `POST /users`) with routes
 * alone: no other section, so what is measured is the routing.
 */
import type { GatewayConfig, RouteConfig } from '@portcullis/node'
import type { RoutingMode } from '../lib/workload'
import { createdUser, userById } from './routes'

/** The in-process handlers: the same answers the upstream gives, built the same way. */
export const handlerRoutes: readonly RouteConfig[] = [
  { match: 'GET /users/{id}', handler: (_request, { params }) => Response.json(userById(params.id ?? '')) },
  {
    match: 'POST /users',
    handler: async (request) => Response.json(createdUser(await request.json()), { status: 201 }),
  },
]

/** One route that sends everything under /users to the upstream, unchanged. */
export const proxyRoute = (upstream: string, extra: Partial<RouteConfig> = {}): RouteConfig => ({
  match: '/users/**',
  upstream,
  ...extra,
})

/** The config for a mode; `upstream` is the upstream's URL (proxy and cache modes). */
export function routingConfig(mode: RoutingMode, upstream: string | undefined): GatewayConfig {
  if (mode === 'handler') return { routes: [...handlerRoutes] }
  if (upstream === undefined) throw new Error(`--routes ${mode} needs UPSTREAM_URL`)
  if (mode === 'proxy') return { routes: [proxyRoute(upstream)] }
  // The upstream sends no Cache-Control: its responses are kept for the cache section's ttl (60 s).
  return { routes: [proxyRoute(upstream, { cache: true })], cache: {} }
}
