// The symbol imports let declaration files name TypeBox's schema types.
// biome-ignore lint/correctness/noUnusedImports: needed by declaration emit (TS4023)
import type { Hint, Kind, OptionalKind, ReadonlyKind } from '@sinclair/typebox'
import { type Static, Type } from '@sinclair/typebox'
import type { RouteHandler } from '../../stages/route/in-process-handler'
import {
  ByteSize,
  codeOnly,
  Duration,
  expectedKeyword,
  HeaderName,
  HttpUrl,
  NonEmpty,
  RoutePatternString,
} from '../schema-primitives'

const HeaderValues = Type.Record(Type.String(), Type.String(), {
  description: 'Header names and their values.',
})

const HeaderTransform = Type.Object(
  {
    set: Type.Optional({ ...HeaderValues, description: 'Headers set, replacing any copy.' }),
    add: Type.Optional({ ...HeaderValues, description: 'Headers appended to any copy.' }),
    remove: Type.Optional(Type.Array(HeaderName, { description: 'Headers removed.' })),
    rename: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Headers renamed: { "old-name": "new-name" }.' }),
    ),
  },
  { additionalProperties: false, description: 'Header edits, applied in the order remove, rename, set, add.' },
)

const Target = Type.Union(
  [
    HttpUrl,
    Type.Object(
      {
        url: HttpUrl,
        weight: Type.Optional(
          Type.Integer({ minimum: 1, maximum: 1000, description: 'Its share of the traffic. Default: 1.' }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  {
    [expectedKeyword]: 'a URL or { url, weight }',
    description: 'A target: an http(s) URL, with an optional base path.',
  },
)

const Timeouts = Type.Object(
  {
    connect: Type.Optional({ ...Duration, description: 'Opening a connection. Default: "5s". Missed: 504.' }),
    headers: Type.Optional({
      ...Duration,
      description: 'Waiting for the response\'s headers once the request is sent. Default: "30s". Missed: 504.',
    }),
    body: Type.Optional({
      ...Duration,
      description: 'The longest pause between two chunks of the response body. Default: "30s".',
    }),
  },
  { additionalProperties: false },
)

const HealthCheck = Type.Object(
  {
    path: Type.String({ pattern: '^/', description: 'The path each target is asked, e.g. "/health".' }),
    interval: Type.Optional({ ...Duration, description: 'Time between two checks of a target. Default: "10s".' }),
    timeout: Type.Optional({ ...Duration, description: 'How long a check may take. Default: "2s".' }),
    unhealthyAfter: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Failed checks in a row that take a target out. Default: 2.' }),
    ),
    healthyAfter: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Passed checks in a row that bring it back. Default: 2.' }),
    ),
  },
  { additionalProperties: false, description: 'Active health checks: a 2xx or 3xx answer passes.' },
)

const UpstreamObject = Type.Object(
  {
    targets: Type.Array(Target, { minItems: 1, description: 'Where requests go.' }),
    balance: Type.Optional(
      Type.Union([Type.Literal('round-robin'), Type.Literal('weighted'), Type.Literal('least-busy')], {
        [expectedKeyword]: 'round-robin, weighted or least-busy',
        description:
          'round-robin (default): in turn. weighted: in turn, by weight. least-busy: the target with the fewest requests in flight per weight.',
      }),
    ),
    timeouts: Type.Optional(Timeouts),
    retries: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 5,
        description:
          'Further tries on another target when a connection fails or times out, for idempotent requests whose body can be sent again, and only before a response started. Default: 1.',
      }),
    ),
    connections: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Connections kept per target (Node). Default: 64.' }),
    ),
    hostHeader: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'The Host the upstream sees: "upstream" (default, the target\'s), "preserve" (the client\'s) or a fixed host name.',
      }),
    ),
    passiveHealth: Type.Optional(
      Type.Object(
        {
          failures: Type.Optional(
            Type.Integer({
              minimum: 1,
              description: 'Failures in a row (refused, timed out, 502/503/504) that eject a target. Default: 3.',
            }),
          ),
          ejectFor: Type.Optional({ ...Duration, description: 'How long an ejected target rests. Default: "30s".' }),
        },
        { additionalProperties: false },
      ),
    ),
    healthCheck: Type.Optional(HealthCheck),
  },
  { additionalProperties: false },
)

const Upstream = Type.Union([NonEmpty, UpstreamObject], {
  [expectedKeyword]: 'a URL, the name of an entry in routes.upstreams, or { targets, … }',
  description: 'Where a route sends requests: a URL, a named upstream, or an upstream object.',
})

const RouteCache = Type.Union(
  [
    Type.Boolean(),
    Type.Object(
      {
        ttl: Type.Optional({
          ...Duration,
          description: "How long a response without max-age / s-maxage is kept. Default: the cache section's ttl.",
        }),
        public: Type.Optional(
          Type.Boolean({
            description:
              'Share cached responses between consumers of an authenticated route. Default: false (one entry per consumer).',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  { [expectedKeyword]: 'true, false or { ttl, public }', description: "Cache the route's GET and HEAD responses." },
)

const Route = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'A name for events and logs.' })),
    match: RoutePatternString,
    host: Type.Optional(
      Type.String({
        pattern: '^(\\*\\.)?[A-Za-z0-9.-]+$',
        description: 'Only requests for this host (the Host header, port aside); "*.example.com" for subdomains.',
      }),
    ),
    upstream: Type.Optional(Upstream),
    handler: Type.Optional(
      codeOnly<RouteHandler>('function', 'An in-process handler: (request: Request, context) => Response (code only).'),
    ),
    stripPrefix: Type.Optional(Type.String({ pattern: '^/', description: 'Removed from the start of the path.' })),
    addPrefix: Type.Optional(Type.String({ pattern: '^/', description: 'Put before the path.' })),
    rewrite: Type.Optional(
      Type.String({
        pattern: '^/',
        description: 'The path sent on, with {param} from the match and {**} for what ** matched, e.g. "/hotels/{id}".',
      }),
    ),
    query: Type.Optional(
      Type.Object(
        {
          add: Type.Optional(
            Type.Record(Type.String(), Type.String(), { description: 'Parameters set, replacing any copy.' }),
          ),
          remove: Type.Optional(Type.Array(NonEmpty, { description: 'Parameters removed.' })),
        },
        { additionalProperties: false },
      ),
    ),
    requestHeaders: Type.Optional({ ...HeaderTransform, description: 'Edits to the request headers sent on.' }),
    responseHeaders: Type.Optional({ ...HeaderTransform, description: "Edits to the route's response headers." }),
    cache: Type.Optional(RouteCache),
  },
  { additionalProperties: false },
)

/** The type of one route; the route's handler is typed with the Fetch API. */
export type RouteConfig = Static<typeof Route>

/** The type of an upstream object. */
export type UpstreamConfig = Static<typeof UpstreamObject>

/** The `routes` section: a list of routes, or `{ rules, upstreams }`. */
export const RoutesSection = Type.Union(
  [
    Type.Array(Route),
    Type.Object(
      {
        rules: Type.Array(Route),
        upstreams: Type.Optional(
          Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }), UpstreamObject, {
            description: 'Named upstreams that routes share (one pool and one health state each).',
          }),
        ),
        forwardedHeaders: Type.Optional(
          Type.Union([Type.Literal('x-forwarded'), Type.Literal('forwarded'), Type.Literal('none')], {
            [expectedKeyword]: 'x-forwarded, forwarded or none',
            description:
              'How upstreams learn the client: X-Forwarded-For/-Proto/-Host (default), the RFC 7239 Forwarded header, or neither.',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  {
    [expectedKeyword]: 'a list of routes, or { rules, upstreams, forwardedHeaders }',
    description:
      'Where requests go: the first route that matches sends the request to an upstream or an in-process handler; a request no route matches goes to the app.',
  },
)

/** The `cache` section: bounds and defaults of the response cache routes use. */
export const CacheSection = Type.Object(
  {
    maxEntries: Type.Optional(Type.Integer({ minimum: 1, description: 'The most responses kept. Default: 10000.' })),
    maxBytes: Type.Optional({ ...ByteSize, description: 'The most body bytes kept in all. Default: "64mb".' }),
    maxEntryBytes: Type.Optional({
      ...ByteSize,
      description: 'A larger response is not kept. Default: "1mb".',
    }),
    ttl: Type.Optional({
      ...Duration,
      description: 'How long a response without max-age / s-maxage is kept. Default: "60s".',
    }),
    shared: Type.Optional(
      Type.Boolean({
        description:
          'Keep responses in the store (Redis) so every instance of a fleet shares them. Default: false (in memory).',
      }),
    ),
  },
  { additionalProperties: false, description: 'The response cache of routes that say `cache`.' },
)
