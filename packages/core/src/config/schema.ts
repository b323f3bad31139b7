// The symbol imports let declaration files name TypeBox's schema types.
// biome-ignore lint/correctness/noUnusedImports: needed by declaration emit (TS4023)
import type { Hint, Kind, OptionalKind, ReadonlyKind } from '@sinclair/typebox'
import { type Static, Type } from '@sinclair/typebox'
import type { Clock } from '../engine/clock'
import type { Stage } from '../engine/stage'
import type { Store } from '../store/store'
import { ByteSize, checkedString, codeOnly, Duration, expectedKeyword, HeaderName } from './schema-primitives'
import { AclSection } from './sections/acl-schema'
import { AdminSection } from './sections/admin-schema'
import { AuthSection } from './sections/auth-schema'
import { AbuseSection, DiscoverySection } from './sections/discovery-schema'
import { QuotasSection, RateLimitsSection } from './sections/limits-schema'
import { CacheSection, RoutesSection } from './sections/routes-schema'
import { TelemetrySection } from './sections/telemetry-schema'
import { OpenApiSection, ValidationSection } from './sections/validation-schema'

export {
  type CheckKind,
  type CodeOnlyKind,
  checkKeyword,
  codeOnlyKeyword,
  expectedKeyword,
} from './schema-primitives'

const ProxyAddress = checkedString(
  'proxy-address',
  'An IP address, a CIDR range, or a named range: loopback, linklocal, uniquelocal.',
)

const TrustList = Type.Union(
  [ProxyAddress, Type.Array(ProxyAddress), Type.Integer({ minimum: 0, description: 'Trust this many hops.' })],
  {
    [expectedKeyword]: 'an address or range, a list of them, or a hop count',
    description: 'Addresses/ranges to trust, or the number of proxy hops to trust.',
  },
)

const TrustedProxies = Type.Union(
  [
    TrustList,
    Type.Object(
      {
        trust: TrustList,
        header: Type.Optional(
          Type.Union([Type.Literal('x-forwarded-for'), Type.Literal('forwarded')], {
            [expectedKeyword]: 'x-forwarded-for or forwarded',
            description: 'The header the trusted proxies append the client address to. Default: x-forwarded-for.',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  {
    [expectedKeyword]: 'an address or range, a list of them, a hop count, or { trust, header }',
    description:
      'Who may set X-Forwarded-For / Forwarded (and, later, client-certificate headers). Default: nobody; the socket address is the client.',
  },
)

const MemoryStoreOptions = Type.Object(
  {
    maxEntries: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The most keys the memory store keeps. Default: 100000.' }),
    ),
  },
  { additionalProperties: false },
)

const RedisStoreOptions = Type.Object(
  {
    url: Type.String({
      pattern: '^rediss?://',
      description:
        'The Redis URL, redis:// or rediss:// (TLS); write env:REDIS_URL to keep a password out of the file.',
    }),
    prefix: Type.Optional(
      Type.String({
        description: 'Prepended to every key, so several apps can share one Redis. Default: "portcullis:".',
      }),
    ),
    commandTimeout: Type.Optional({
      ...Duration,
      description:
        'Each command\'s deadline; a command that misses it fails (see the outage policies). Default: "250ms".',
    }),
  },
  { additionalProperties: false },
)

const StoreConfig = Type.Union(
  [
    Type.Literal('memory'),
    Type.Object({ memory: MemoryStoreOptions }, { additionalProperties: false }),
    Type.Object({ redis: RedisStoreOptions }, { additionalProperties: false }),
    codeOnly<Store>('store', 'A Store instance (code only).'),
  ],
  {
    [expectedKeyword]: '"memory", { memory: { maxEntries } }, { redis: { url } } or a Store instance',
    description: 'Where state lives. Default: memory (in-process).',
  },
)

const RequestConfig = Type.Object(
  {
    maxBodyBytes: Type.Optional({
      ...ByteSize,
      description: 'The largest request body the gateway accepts or buffers. Default: "1mb".',
    }),
    maxJsonDepth: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'The deepest JSON nesting accepted. Default: 64.' }),
    ),
    id: Type.Optional(
      Type.Object(
        {
          header: Type.Optional({
            ...HeaderName,
            description: 'The header that carries the request id in and out. Default: x-request-id.',
          }),
          trustIncoming: Type.Optional(
            Type.Boolean({
              description:
                'Adopt a well-formed incoming request id, else the trace id of an incoming traceparent, as the request id. Default: true.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Limits and identifiers of incoming requests.' },
)

/** The JSON Schema of {@link GatewayConfig}, written with TypeBox so the type follows from it. */
export const gatewayConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'The JSON Schema this file follows (for editors).' })),
    trustedProxies: Type.Optional(TrustedProxies),
    store: Type.Optional(StoreConfig),
    request: Type.Optional(RequestConfig),
    openapi: Type.Optional(OpenApiSection),
    validation: Type.Optional(ValidationSection),
    auth: Type.Optional(AuthSection),
    acl: Type.Optional(AclSection),
    rateLimits: Type.Optional(RateLimitsSection),
    quotas: Type.Optional(QuotasSection),
    discovery: Type.Optional(DiscoverySection),
    abuse: Type.Optional(AbuseSection),
    routes: Type.Optional(RoutesSection),
    cache: Type.Optional(CacheSection),
    telemetry: Type.Optional(TelemetrySection),
    admin: Type.Optional(AdminSection),
    stages: Type.Optional(
      Type.Array(codeOnly<Stage>('stage', 'A custom stage (code only).'), {
        description: "The app's own stages, each in its phase (code only).",
      }),
    ),
    clock: Type.Optional(codeOnly<Clock>('clock', 'The clock the gateway reads time from (code only; tests).')),
  },
  { additionalProperties: false, title: 'Portcullis gateway configuration' },
)

/** The gateway configuration: one plain object, also writable as YAML or JSON. */
export type GatewayConfig = Static<typeof gatewayConfigSchema>
