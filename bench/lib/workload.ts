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
}

/** A framework under test: one server file that runs bare, or with Portcullis in front given `--gateway`. */
export interface Framework {
  readonly id: string
  readonly label: string
  /** Relative to the bench folder. */
  readonly serverFile: string
}

export const frameworks: readonly Framework[] = [
  { id: 'node-http', label: 'node:http', serverFile: 'servers/node-http.ts' },
  { id: 'express', label: 'Express 5', serverFile: 'servers/express.ts' },
  { id: 'koa', label: 'Koa 3', serverFile: 'servers/koa.ts' },
  { id: 'hono', label: 'Hono 4', serverFile: 'servers/hono.ts' },
]

/**
 * Every framework bare, then with the gateway, side by side: the runner keeps each pair adjacent
 * in time, so the gateway/bare ratio compares runs that saw the same machine state.
 */
export function frameworkVariants(selected: readonly Framework[]): Variant[] {
  return selected.flatMap((framework): Variant[] => [
    {
      id: framework.id,
      label: `${framework.label} (bare)`,
      server: { file: framework.serverFile, args: [] },
      gateway: false,
      routes,
    },
    {
      id: `${framework.id}+gateway`,
      label: `${framework.label} + Portcullis`,
      server: { file: framework.serverFile, args: ['--gateway'] },
      gateway: true,
      routes,
      baseline: framework.id,
    },
  ])
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
