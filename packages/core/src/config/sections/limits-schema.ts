// The symbol imports let declaration files name TypeBox's schema types.
// biome-ignore lint/correctness/noUnusedImports: needed by declaration emit (TS4023)
import type { Hint, Kind, OptionalKind, ReadonlyKind } from '@sinclair/typebox'
import { type Static, Type } from '@sinclair/typebox'
import {
  checkedString,
  Duration,
  expectedKeyword,
  HeaderName,
  NonEmpty,
  RoutePatternString,
} from '../schema-primitives'

/** The forms of one part of a rate-limit key: where a request's value for it comes from. */
const keyPartForms = [
  Type.Literal('ip', { description: 'The client IP (IPv6 grouped by `ipv6Prefix`).' }),
  Type.Literal('consumer', { description: 'The authenticated consumer.' }),
  Type.Literal('graphql', { description: "The GraphQL operation's name." }),
  Type.Object({ header: HeaderName }, { additionalProperties: false }),
  Type.Object({ cookie: NonEmpty }, { additionalProperties: false }),
  Type.Object({ query: NonEmpty }, { additionalProperties: false }),
  Type.Object(
    { body: Type.String({ pattern: '^/', description: 'A JSON pointer into the JSON body, e.g. "/customer/id".' }) },
    { additionalProperties: false },
  ),
] as const

const keyPartExpected = 'ip, consumer, graphql, { header }, { cookie }, { query } or { body: "/json/pointer" }'

const KeyPart = Type.Union([...keyPartForms], {
  [expectedKeyword]: keyPartExpected,
  description: 'A part of the key: a missing value falls back to the client IP, so it cannot be dodged.',
})

const Mode = Type.Union([Type.Literal('enforce'), Type.Literal('report')], {
  [expectedKeyword]: 'enforce or report',
  description: 'enforce (default) answers 429; report only records what would have been refused (a dry run).',
})

const PolicyName = Type.String({
  pattern: '^[A-Za-z0-9_.-]{1,64}$',
  description: 'The name in RateLimit-Policy and in events. Default: the rule\'s position, e.g. "rate-0".',
})

const RateLimitRule = Type.Object(
  {
    name: Type.Optional(PolicyName),
    match: Type.Optional({ ...RoutePatternString, description: 'The requests the rule counts. Default: all.' }),
    // One flat union: a union nested in a union hides its members' semantic checks from ajv's errors.
    by: Type.Union([...keyPartForms, Type.Array(KeyPart, { minItems: 1 })], {
      [expectedKeyword]: `${keyPartExpected}, or a list of them`,
      description: 'What one counter counts: a key part, or a list combined into one key.',
    }),
    limit: Type.Integer({ minimum: 1, description: 'Requests allowed per window.' }),
    window: Duration,
    algorithm: Type.Optional(
      Type.Union([Type.Literal('fixed'), Type.Literal('sliding')], {
        [expectedKeyword]: 'fixed or sliding',
        description:
          "fixed (default): a window starts at a key's first request. sliding: no window-length interval ever holds more than `limit`.",
      }),
    ),
    mode: Type.Optional(Mode),
    onStoreError: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('local')], {
        [expectedKeyword]: 'open, closed or local',
        description:
          'When the store fails: open (default) passes, closed answers 503, local counts in this process against `localLimit`.',
      }),
    ),
    localLimit: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'The per-instance limit while the store is down. Default: limit ÷ rateLimits.instances, rounded up.',
      }),
    ),
  },
  { additionalProperties: false },
)

const HeaderStyles = Type.Object(
  {
    standard: Type.Optional(
      Type.Boolean({ description: 'The IETF RateLimit and RateLimit-Policy headers. Default: true.' }),
    ),
    legacy: Type.Optional(
      Type.Boolean({ description: 'X-RateLimit-Limit, -Remaining and -Reset (the tightest policy). Default: false.' }),
    ),
  },
  { additionalProperties: false, description: 'Which rate-limit headers responses carry.' },
)

const OutageCooldown = {
  ...Duration,
  description: 'After a store error, how long requests skip the store and follow their outage policy. Default: "5s".',
}

/** The `rateLimits` section: a list of rules, or the rules with section-wide settings. */
export const RateLimitsSection = Type.Union(
  [
    Type.Array(RateLimitRule),
    Type.Object(
      {
        rules: Type.Array(RateLimitRule),
        headers: Type.Optional(HeaderStyles),
        ipv6Prefix: Type.Optional(
          Type.Integer({
            minimum: 1,
            maximum: 128,
            description: 'IPv6 clients share a counter per prefix. Default: 64.',
          }),
        ),
        instances: Type.Optional(
          Type.Integer({
            minimum: 1,
            description: 'How many gateway instances share the store, for `localLimit`. Default: 1.',
          }),
        ),
        outageCooldown: Type.Optional(OutageCooldown),
      },
      { additionalProperties: false },
    ),
  ],
  {
    [expectedKeyword]: 'a list of rules, or { rules, headers, ipv6Prefix, instances, outageCooldown }',
    description: 'Rate limits: every matching rule counts the request; any one over its limit refuses it with 429.',
  },
)

const QuotaLimits = Type.Record(Type.String({ minLength: 1 }), Type.Integer({ minimum: 0 }))

const QuotaRule = Type.Object(
  {
    name: Type.Optional(PolicyName),
    match: Type.Optional({ ...RoutePatternString, description: 'The requests the quota counts. Default: all.' }),
    limit: Type.Optional(Type.Integer({ minimum: 0, description: 'Requests per period for any consumer.' })),
    plans: Type.Optional({
      ...QuotaLimits,
      description: "Requests per period by group (plan); the first of the consumer's groups listed here wins.",
    }),
    consumers: Type.Optional({
      ...QuotaLimits,
      description: 'Requests per period for single consumers; wins over plans.',
    }),
    period: Type.Union(
      [
        Type.Literal('day'),
        Type.Literal('week'),
        Type.Literal('month'),
        Type.Object(
          { billing: Type.Integer({ minimum: 1, maximum: 31, description: 'The day of the month a period starts.' }) },
          { additionalProperties: false },
        ),
      ],
      {
        [expectedKeyword]: 'day, week, month or { billing: <day of month> }',
        description: "Calendar periods in the section's time zone; weeks start on Monday.",
      },
    ),
    countStatuses: Type.Optional(
      Type.Array(
        Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.String({ pattern: '^[1-5]xx$' })], {
          [expectedKeyword]: 'a status such as 404, or a class such as "2xx"',
        }),
        { minItems: 1, description: 'The response statuses that count. Default: every status below 500.' },
      ),
    ),
    mode: Type.Optional(Mode),
    onStoreError: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('closed')], {
        [expectedKeyword]: 'open or closed',
        description: 'When the store fails: closed (default) answers 503; open passes without counting.',
      }),
    ),
  },
  { additionalProperties: false },
)

/** The `quotas` section: long-period request counts per consumer. */
export const QuotasSection = Type.Union(
  [
    Type.Array(QuotaRule),
    Type.Object(
      {
        rules: Type.Array(QuotaRule),
        timeZone: Type.Optional(
          checkedString('time-zone', 'The IANA time zone periods start in, e.g. "Europe/Berlin". Default: UTC.'),
        ),
        headers: Type.Optional(HeaderStyles),
        outageCooldown: Type.Optional(OutageCooldown),
      },
      { additionalProperties: false },
    ),
  ],
  {
    [expectedKeyword]: 'a list of quotas, or { rules, timeZone, headers, outageCooldown }',
    description: 'Quotas per consumer (anonymous callers have none); an exhausted quota is refused with 429.',
  },
)

/** One rate-limit rule as written in the config. */
export type RateLimitRuleConfig = Static<typeof RateLimitRule>
/** One key part as written in the config. */
export type KeyPartConfig = Static<typeof KeyPart>
/** One quota as written in the config. */
export type QuotaRuleConfig = Static<typeof QuotaRule>
