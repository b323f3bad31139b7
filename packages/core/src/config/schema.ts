// The symbol imports let declaration files name TypeBox's schema types.
// biome-ignore lint/correctness/noUnusedImports: needed by declaration emit (TS4023)
import type { Hint, Kind, OptionalKind, ReadonlyKind } from '@sinclair/typebox'
import { type Static, type TSchema, Type } from '@sinclair/typebox'
import type { Clock } from '../engine/clock'
import type { Stage } from '../engine/stage'
import type { Store } from '../store/store'

/**
 * The keyword that marks a value only code can give (a function, a client instance).
 * The config validator checks it by duck typing; the editor schema leaves such values out.
 */
export const codeOnlyKeyword = 'x-portcullis-code'

/** The keyword that runs a semantic check on a value the JSON types cannot express. */
export const checkKeyword = 'x-portcullis-check'

/** The kinds of code-only values the validator knows how to check. */
export type CodeOnlyKind = 'stage' | 'store' | 'clock'

/** The keyword a union's schema uses to say, in words, what it accepts. */
export const expectedKeyword = 'x-portcullis-expected'

/** The semantic checks the validator knows how to run. */
export type CheckKind = 'proxy-address' | 'byte-size' | 'header-name'

function codeOnly<T>(kind: CodeOnlyKind, description: string): TSchema & { static: T } {
  return Type.Unsafe<T>({ [codeOnlyKeyword]: kind, description })
}

const ByteSize = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ [checkKeyword]: 'byte-size' })], {
  [expectedKeyword]: 'a size such as 1048576, "512kb" or "1mb"',
  description: 'A size in bytes: an integer, or a string such as "512kb" or "1mb".',
})

const HeaderName = Type.String({ [checkKeyword]: 'header-name', description: 'An HTTP header name.' })

const ProxyAddress = Type.String({
  [checkKeyword]: 'proxy-address',
  description: 'An IP address, a CIDR range, or a named range: loopback, linklocal, uniquelocal.',
})

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

const StoreConfig = Type.Union(
  [
    Type.Literal('memory'),
    Type.Object({ memory: MemoryStoreOptions }, { additionalProperties: false }),
    codeOnly<Store>('store', 'A Store instance (code only).'),
  ],
  {
    [expectedKeyword]: '"memory", { memory: { maxEntries } } or a Store instance',
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
