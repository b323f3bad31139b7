import { createdUser, userById } from '../servers/routes'

/** One benchmarked request and what a correct server answers to it. */
export interface Route {
  readonly id: 'get' | 'post'
  readonly label: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
  readonly expectedStatus: number
  readonly expectedBody: unknown
}

const newUser = { name: 'Ada Lovelace', email: 'ada@example.com', age: 36, role: 'admin', newsletter: true }

export const routes: readonly Route[] = [
  {
    id: 'get',
    label: 'GET /users/42',
    method: 'GET',
    path: '/users/42',
    headers: {},
    expectedStatus: 200,
    expectedBody: userById('42'),
  },
  {
    id: 'post',
    label: 'POST /users',
    method: 'POST',
    path: '/users',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(newUser),
    expectedStatus: 201,
    expectedBody: createdUser(newUser),
  },
]

/** A benchmark server process: a file relative to the bench folder, and its arguments. */
export interface ServerSpec {
  readonly file: string
  readonly args: readonly string[]
}

/** One server configuration under load: what runs, which routes it is measured on, what it is held against. */
export interface Variant {
  /** Unique within a benchmark; runs are grouped by it. */
  readonly id: string
  readonly label: string
  /** The process autocannon sends the load to. */
  readonly server: ServerSpec
  /**
   * A process started first, on its own CPU setting, whose URL the server gets as `UPSTREAM_URL`;
   * its CPU time is counted with the server's.
   */
  readonly upstream?: ServerSpec | undefined
  /** Whether the gateway answers (it sets `x-request-id` on every response; a bare app sets none). */
  readonly gateway: boolean
  /** The routes measured. */
  readonly routes: readonly Route[]
  /** The id of the variant this one is compared with (its bare framework, the direct upstream). */
  readonly baseline?: string | undefined
  /** A header every route must answer with from its second request on (`x-cache: HIT`). */
  readonly repeatHeader?: readonly [name: string, value: string] | undefined
  /** The id of the stack a team would assemble instead on the same framework, when measured. */
  readonly peer?: string | undefined
  /** Whether each request carries a JWT never sent before (every verification is cold). */
  readonly coldTokens?: boolean | undefined
}

/** A framework under test: one server file that runs bare, or with Portcullis in front given `--gateway`. */
export interface Framework {
  readonly id: string
  readonly label: string
  /** Relative to the bench folder. */
  readonly serverFile: string
  /** The stack a team would assemble on it without a gateway (servers/*-peer.ts), when there is one. */
  readonly peerFile?: string
  /** Whether Portcullis on the Redis store is measured on it too. */
  readonly onRedis?: boolean
}

export const frameworks: readonly Framework[] = [
  { id: 'node-http', label: 'node:http', serverFile: 'servers/node-http.ts', onRedis: true },
  { id: 'express', label: 'Express 5', serverFile: 'servers/express.ts', peerFile: 'servers/express-peer.ts' },
  { id: 'koa', label: 'Koa 3', serverFile: 'servers/koa.ts' },
  { id: 'hono', label: 'Hono 4', serverFile: 'servers/hono.ts', peerFile: 'servers/hono-peer.ts', onRedis: true },
]

/** The benchmark routes, each request carrying the same (cached after its first use) bearer JWT. */
export function authenticatedRoutes(token: string): Route[] {
  return routes.map((route) => ({ ...route, headers: { ...route.headers, authorization: `Bearer ${token}` } }))
}

/**
 * Per framework, side by side so that each comparison is between runs close in time: bare, the peer
 * stack (Express, Hono), Portcullis in its full configuration with a repeated JWT, the same with a
 * new JWT on every request, and on the Redis store (node:http, Hono). With `minimal`, the gateway
 * with no section (`gateway({})`, the foundation's cost) is measured too.
 */
export function frameworkVariants(
  selected: readonly Framework[],
  measured: readonly Route[],
  options: { readonly minimal: boolean },
): Variant[] {
  return selected.flatMap((framework): Variant[] => {
    const file = framework.serverFile
    const peer = framework.peerFile === undefined ? undefined : `${framework.id}-peer`
    const full = ['--gateway', '--full']
    const variants: Variant[] = [
      {
        id: framework.id,
        label: `${framework.label} (bare)`,
        server: { file, args: [] },
        gateway: false,
        routes: measured,
      },
    ]
    if (options.minimal)
      variants.push({
        id: `${framework.id}+minimal`,
        label: `${framework.label} + gateway({})`,
        server: { file, args: ['--gateway'] },
        gateway: true,
        routes: measured,
        baseline: framework.id,
      })
    if (framework.peerFile !== undefined && peer !== undefined)
      variants.push({
        id: peer,
        label: `${framework.label} peer stack`,
        server: { file: framework.peerFile, args: [] },
        gateway: false,
        routes: measured,
        baseline: framework.id,
      })
    const gatewayVariant = { gateway: true, routes: measured, baseline: framework.id, peer }
    variants.push(
      {
        id: `${framework.id}+full`,
        label: `${framework.label} + Portcullis`,
        server: { file, args: full },
        ...gatewayVariant,
      },
      {
        id: `${framework.id}+full-cold`,
        label: `${framework.label} + Portcullis, new JWT each request`,
        server: { file, args: full },
        ...gatewayVariant,
        coldTokens: true,
      },
    )
    if (framework.onRedis === true)
      variants.push({
        id: `${framework.id}+full-redis`,
        label: `${framework.label} + Portcullis on Redis`,
        server: { file, args: [...full, '--store', 'redis'] },
        ...gatewayVariant,
      })
    return variants
  })
}

/** How the gateway in front of the upstream answers: see servers/route-configs.ts. */
export type RoutingMode = 'proxy' | 'handler' | 'cache'

/** A way of answering the benchmark routes: straight from the upstream, or through the gateway's routes. */
export interface RoutingSetup {
  readonly id: 'direct' | RoutingMode
  readonly label: string
}

export const routingSetups: readonly RoutingSetup[] = [
  { id: 'direct', label: 'upstream, direct' },
  { id: 'proxy', label: 'gateway → upstream' },
  { id: 'handler', label: 'gateway, in-process handler' },
  { id: 'cache', label: 'gateway, cache hit' },
]

// The upstream is the bare node:http server of the framework benchmark.
const upstreamServer: ServerSpec = { file: 'servers/node-http.ts', args: [] }
const gatewayServer = (mode: RoutingMode): ServerSpec => ({ file: 'servers/node-routes.ts', args: ['--routes', mode] })

/**
 * The routing benchmark's variants, each held against the upstream measured directly. The cache
 * variant is measured on GET only (a POST is never cached: it would be the proxy case again).
 */
export function routingVariants(selected: readonly RoutingSetup[]): Variant[] {
  const baseline = selected.some((setup) => setup.id === 'direct') ? 'direct' : undefined
  const viaGateway = (setup: RoutingSetup, mode: RoutingMode) => ({
    id: setup.id,
    label: setup.label,
    server: gatewayServer(mode),
    gateway: true,
    routes,
    baseline,
  })
  return selected.map((setup): Variant => {
    if (setup.id === 'direct')
      return { id: setup.id, label: setup.label, server: upstreamServer, gateway: false, routes }
    if (setup.id === 'handler') return viaGateway(setup, 'handler')
    if (setup.id === 'proxy') return { ...viaGateway(setup, 'proxy'), upstream: upstreamServer }
    return {
      ...viaGateway(setup, 'cache'),
      upstream: upstreamServer,
      routes: routes.filter((route) => route.method === 'GET'),
      repeatHeader: ['x-cache', 'HIT'],
    }
  })
}
