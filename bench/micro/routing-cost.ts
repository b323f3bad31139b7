/**
 * The micro benchmark of routes (issue 7): `engine.handle()` per request, then reading the response
 * body as an adapter does, for a request no route takes (the baseline: it goes on to the app), a
 * route to an in-process handler (one answering 204 with no body; the benchmark's own handlers, their
 * route first of one or last of 50), and a route to an upstream whose
 * transport is a stub answering in-process, so the gateway's own proxy work (onward URL and headers,
 * the upstream call, the response headers and body stream) is timed without a network or undici.
 * Prints a Markdown table. Usage: `pnpm bench:routing --micro` (it builds the packages first and runs
 * the built ones); `pnpm bench:routing` runs it after the load benchmark.
 */
import { isDeepStrictEqual } from 'node:util'
import {
  createEngine,
  type GatewayConfig,
  iterableStream,
  type Outcome,
  type RouteConfig,
  type UpstreamTransport,
} from '@portcullis/node'
import { type MicroCase, type MicroSubject, readResponse, runMicroBench } from '../lib/micro-bench'
import { rawRequest } from '../lib/raw-request'
import { type Route, routes } from '../lib/workload'
import { handlerRoutes, proxyRoute } from '../servers/route-configs'

const [getRoute, postRoute] = routes as [Route, Route]
const host = { host: 'api.bench.example' }
const stubOrigin = 'http://upstream.bench.example'

const asBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

/**
 * An upstream answering in-process with the body it would send: the benchmark route's expected
 * answer, as one chunk with its length. A request body is read to the end first, as a socket would.
 */
function stubTransport(): UpstreamTransport {
  return {
    async send(request) {
      if (request.body !== undefined && !(request.body instanceof Uint8Array)) for await (const _ of request.body);
      const route = request.method === 'POST' ? postRoute : getRoute
      const bytes = asBytes(route.expectedBody)
      return {
        status: route.expectedStatus,
        headers: [
          ['content-type', 'application/json'],
          ['content-length', String(bytes.byteLength)],
        ],
        body: iterableStream(
          (async function* () {
            yield bytes
          })(),
        ),
      }
    },
    close: async () => {},
  }
}

/** 49 routes no benchmark request matches, in front of the ones that answer it. */
const otherRoutes: RouteConfig[] = Array.from({ length: 49 }, (_, index) => ({
  match: `GET /service-${index}/{id}`,
  handler: () => new Response(null, { status: 204 }),
}))

/** A case: a config, one benchmark route sent through it, the body read as the adapter would. */
const subject =
  (config: GatewayConfig, route: Route, prime = false) =>
  async (): Promise<MicroSubject> => {
    const engine = createEngine(config, { upstreamTransport: stubTransport })
    const handle = () => engine.handle(rawRequest(route.method, route.path, { ...host, ...route.headers }, route.body))
    if (prime) {
      // The first request fills the cache once its body has been read; the timed ones are hits.
      await engine.ready()
      await readResponse(await handle())
      await new Promise((resolve) => setImmediate(resolve))
    }
    return { engine, handle, finish: readResponse }
  }

/** An outcome check: the gateway answered the route as the app would have, with `header` if given. */
const answers =
  (route: Route, header?: readonly [string, string]) =>
  async (outcome: Outcome): Promise<void> => {
    if (outcome.kind !== 'respond') throw new Error('no route answered: the request went on to the app')
    const body: unknown = await outcome.response.json()
    if (outcome.response.status !== route.expectedStatus || !isDeepStrictEqual(body, route.expectedBody))
      throw new Error(`${route.label}: got ${outcome.response.status} ${JSON.stringify(body)}`)
    if (header !== undefined && outcome.response.headers.get(header[0]) !== header[1])
      throw new Error(`${route.label}: ${header[0]} ${outcome.response.headers.get(header[0])}`)
  }

const answersNoContent = async (outcome: Outcome): Promise<void> => {
  if (outcome.kind !== 'respond' || outcome.response.status !== 204)
    throw new Error(`expected the handler's 204, got ${outcome.kind === 'respond' ? outcome.response.status : 'none'}`)
}

const continues = async (outcome: Outcome): Promise<void> => {
  if (outcome.kind !== 'continue') throw new Error(`answered ${outcome.response.status}: expected no route to match`)
}

const handlers = { routes: [...handlerRoutes] }
// The least a handler can do: the routing machinery (match, onward request, response) and nothing else.
const noContent = { routes: [{ match: 'GET /users/{id}', handler: () => new Response(null, { status: 204 }) }] }
const proxied = { routes: [proxyRoute(stubOrigin)] }

const cases: MicroCase[] = [
  { name: 'no routes (to the app)', setup: subject({}, getRoute), expect: continues },
  { name: 'handler answering 204, GET', setup: subject(noContent, getRoute), expect: answersNoContent },
  { name: 'handler, GET', setup: subject(handlers, getRoute), expect: answers(getRoute) },
  {
    name: 'handler, GET, route 50 of 50',
    setup: subject({ routes: [...otherRoutes, ...handlerRoutes] }, getRoute),
    expect: answers(getRoute),
  },
  { name: 'handler, POST JSON', setup: subject(handlers, postRoute), expect: answers(postRoute) },
  { name: 'upstream (stub), GET', setup: subject(proxied, getRoute), expect: answers(getRoute) },
  { name: 'upstream (stub), POST JSON', setup: subject(proxied, postRoute), expect: answers(postRoute) },
  {
    name: 'upstream (stub), GET, cache hit',
    setup: subject({ routes: [proxyRoute(stubOrigin, { cache: true })], cache: {} }, getRoute, true),
    expect: answers(getRoute, ['x-cache', 'HIT']),
  },
]

await runMicroBench('Routing cost', cases)
