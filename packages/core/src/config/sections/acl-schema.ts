import { Type } from '@sinclair/typebox'
import { expectedKeyword, NonEmpty, RoutePatternString } from '../schema-primitives'

const AclRule = Type.Object(
  {
    match: RoutePatternString,
    allow: Type.Optional(
      Type.Array(NonEmpty, {
        description: 'Who may: anonymous, authenticated, a group, "scope:<scope>" or "consumer:<id>".',
      }),
    ),
    deny: Type.Optional(Type.Array(NonEmpty, { description: 'Who may not, even when allowed.' })),
  },
  { additionalProperties: false },
)

/** The `acl` section: a list of rules, or `{ rules, methodOverride }`. */
export const AclSection = Type.Union(
  [
    Type.Array(AclRule),
    Type.Object(
      {
        rules: Type.Array(AclRule),
        methodOverride: Type.Optional(
          Type.Boolean({ description: 'Evaluate POST with X-HTTP-Method-Override as that method. Default: false.' }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  {
    [expectedKeyword]: 'a list of rules, or { rules, methodOverride }',
    description: 'Who may call what; the first matching rule decides, and a request no rule matches is denied.',
  },
)
