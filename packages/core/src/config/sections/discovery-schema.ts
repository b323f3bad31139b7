// The symbol imports let declaration files name TypeBox's schema types.
// biome-ignore lint/correctness/noUnusedImports: needed by declaration emit (TS4023)
import type { Hint, Kind, OptionalKind, ReadonlyKind } from '@sinclair/typebox'
import { type Static, Type } from '@sinclair/typebox'
import { Duration, expectedKeyword, HeaderName, NonEmpty } from '../schema-primitives'

const sessionPartForms = [
  Type.Literal('consumer', { description: 'The authenticated consumer.' }),
  Type.Literal('ip', { description: 'The client IP (IPv6 grouped by /64).' }),
  Type.Object({ header: HeaderName }, { additionalProperties: false }),
  Type.Object({ cookie: NonEmpty }, { additionalProperties: false }),
] as const

const SessionPart = Type.Union([...sessionPartForms], {
  [expectedKeyword]: 'consumer, ip, { header } or { cookie }',
})

/** The `discovery` section: which traffic to learn from, and how to tell one client from another. */
export const DiscoverySection = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Learn from traffic. Default: true.' })),
    sampleRate: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: 'The share of requests learned from, 0–1. Default: 1.' }),
    ),
    apiTraffic: Type.Optional(
      Type.Union(
        [
          Type.Literal('all'),
          Type.Object({ header: HeaderName }, { additionalProperties: false }),
          Type.Object({ cookie: NonEmpty }, { additionalProperties: false }),
          Type.Object({ pathPrefix: Type.String({ pattern: '^/' }) }, { additionalProperties: false }),
        ],
        {
          [expectedKeyword]: 'all, { header }, { cookie } or { pathPrefix }',
          description:
            'Which requests are API traffic: all, those carrying a header or cookie, or under a path. Default: all.',
        },
      ),
    ),
    // One flat union: a union nested in a union hides its members' semantic checks from ajv's errors.
    sessionKey: Type.Optional(
      Type.Union([...sessionPartForms, Type.Array(SessionPart, { minItems: 1 })], {
        [expectedKeyword]: 'consumer, ip, { header }, { cookie }, or a list of them in order of preference',
        description:
          'What identifies one client: the first part a request carries. Default: [consumer, ip]. Values are hashed, never kept.',
      }),
    ),
    maxEndpoints: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'The most endpoints tracked; more share an overflow bucket. Default: 1000.',
      }),
    ),
    maxPaths: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The most path-tree nodes kept to learn templates. Default: 10000.' }),
    ),
    sequences: Type.Optional(
      Type.Boolean({ description: 'Learn the order of calls per session and flag improbable flows. Default: true.' }),
    ),
    syncInterval: Type.Optional({
      ...Duration,
      description:
        'On a shared store (Redis), how often an instance publishes and merges what the fleet learned. Default: "30s".',
    }),
  },
  { additionalProperties: false, description: 'Endpoint discovery from sampled traffic, after each response.' },
)

/** The `abuse` section: how recommended rate limits are learned. */
export const AbuseSection = Type.Object(
  {
    window: Type.Optional({
      ...Duration,
      description: 'The window a session\'s peak request count is taken over. Default: "10m".',
    }),
    minSessions: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Below this many sessions on an endpoint, nothing is recommended. Default: 50.',
      }),
    ),
    headroom: Type.Optional(
      Type.Number({
        minimum: 1,
        maximum: 100,
        description: 'How far above normal use the recommendation lies. Default: 1.5.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Recommended rate limits per endpoint, learned from how normal sessions use it.',
  },
)

/** One session-key part as written in the config. */
export type SessionPartConfig = Static<typeof SessionPart>
