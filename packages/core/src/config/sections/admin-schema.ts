// The symbol imports let declaration files name TypeBox's schema types.
// biome-ignore lint/correctness/noUnusedImports: needed by declaration emit (TS4023)
import type { Hint, Kind, OptionalKind, ReadonlyKind } from '@sinclair/typebox'
import { type Static, Type } from '@sinclair/typebox'
import { checkedString, Duration } from '../schema-primitives'

const AdminAddress = checkedString(
  'proxy-address',
  'An IP address, a CIDR range, or a named range: loopback, linklocal, uniquelocal.',
)

/** The `admin` section: the admin API and dashboard the gateway serves itself. */
export const AdminSection = Type.Object(
  {
    path: Type.Optional(
      Type.String({
        pattern: '^(/[A-Za-z0-9_~-]+)+$',
        description: 'Where the admin API and dashboard live: a path of plain segments. Default: "/_portcullis".',
      }),
    ),
    token: Type.String({
      minLength: 24,
      description:
        'The bearer token every admin call needs (Authorization: Bearer …); at least 24 characters. Write env:NAME to keep it out of the file.',
    }),
    allow: Type.Optional(
      Type.Array(AdminAddress, {
        minItems: 1,
        description: 'Only these client addresses reach the admin API at all (others get 403). Default: any.',
      }),
    ),
    mtls: Type.Optional(
      Type.Union(
        [
          Type.Boolean(),
          Type.Object(
            {
              fingerprints: Type.Array(Type.String({ pattern: '^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$' }), {
                minItems: 1,
                description: 'Accept only these client certificates (SHA-256 fingerprints, colons optional).',
              }),
            },
            { additionalProperties: false },
          ),
        ],
        {
          description:
            'Require a client certificate the server verified (HTTPS with client certificates), besides the token; optionally pinned by fingerprint.',
        },
      ),
    ),
    dashboard: Type.Optional(
      Type.Boolean({
        description:
          'Serve the dashboard page at the admin path. Default: true when @portcullis/dashboard is loaded; true without it is a config error.',
      }),
    ),
    ruleSync: Type.Optional({
      ...Duration,
      description:
        'How often each instance re-reads the rate limits turned on through the admin API (they live in the store). Default: "10s".',
    }),
  },
  {
    additionalProperties: false,
    description: 'The admin API (and dashboard) the gateway answers under `path`, behind a bearer token.',
  },
)

/** The `admin` section. */
export type AdminConfig = Static<typeof AdminSection>
