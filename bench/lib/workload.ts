import { createdUser, userById } from '../servers/routes'

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

/** One server configuration: a framework, bare or behind the gateway. */
export interface Variant {
  readonly framework: Framework
  readonly gateway: boolean
}

export const variantLabel = (variant: Variant): string =>
  variant.gateway ? `${variant.framework.label} + Portcullis` : `${variant.framework.label} (bare)`

/**
 * Every framework bare, then with the gateway, side by side: the runner keeps each pair adjacent
 * in time, so the gateway/bare ratio compares runs that saw the same machine state.
 */
export function variantsOf(selected: readonly Framework[]): Variant[] {
  return selected.flatMap((framework) => [
    { framework, gateway: false },
    { framework, gateway: true },
  ])
}

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
