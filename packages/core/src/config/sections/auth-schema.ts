import { type Static, Type } from '@sinclair/typebox'
import {
  checkedString,
  codeOnly,
  Duration,
  expectedKeyword,
  HeaderName,
  HttpUrl,
  NonEmpty,
  RoutePatternString,
} from '../schema-primitives'

/** Where a credential is read from. */
export const CredentialLocation = Type.Union(
  [
    Type.Object({ header: HeaderName }, { additionalProperties: false }),
    Type.Object({ query: NonEmpty }, { additionalProperties: false }),
    Type.Object({ cookie: NonEmpty }, { additionalProperties: false }),
  ],
  { [expectedKeyword]: '{ header: name }, { query: name } or { cookie: name }' },
)

/** One API key, stored as the hash of the key (never the key itself). */
export const ApiKeyRecordSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'A name for the key, for logs and revocation (not the key).' }),
    hash: checkedString('key-hash', 'The key\'s hash: "sha256:" and 64 hex digits (`portcullis key hash`).'),
    consumer: Type.String({ minLength: 1, description: 'The consumer the key belongs to.' }),
    groups: Type.Optional(Type.Array(NonEmpty, { description: "The consumer's groups (plans, roles)." })),
    scopes: Type.Optional(Type.Array(NonEmpty, { description: 'Scopes the key grants.' })),
    expiresAt: Type.Optional(checkedString('date-time', 'When the key stops working (ISO 8601).')),
  },
  { additionalProperties: false },
)

const ClaimsMapping = Type.Object(
  {
    consumer: Type.Optional(NonEmpty),
    groups: Type.Optional(NonEmpty),
    scopes: Type.Optional(NonEmpty),
  },
  {
    additionalProperties: false,
    description:
      'Claim paths (dot-separated) for the consumer (default sub), groups (default groups) and scopes (default scope).',
  },
)

const Audience = Type.Union([NonEmpty, Type.Array(NonEmpty, { minItems: 1 })], {
  [expectedKeyword]: 'a string or a list of strings',
})

const jwsAlgorithms = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
  'Ed25519',
  'HS256',
  'HS384',
  'HS512',
] as const

const JwtAlgorithm = Type.Union(
  jwsAlgorithms.map((algorithm) => Type.Literal(algorithm)),
  { [expectedKeyword]: `one of ${jwsAlgorithms.join(', ')}` },
)

/** The fields of one accepted JWT issuer. */
export const jwtIssuerFields = {
  issuer: Type.Optional(Type.String({ minLength: 1, description: 'The `iss` the tokens carry (checked).' })),
  audience: Type.Optional(Audience),
  algorithms: Type.Optional(
    Type.Array(JwtAlgorithm, {
      minItems: 1,
      description: 'The algorithms accepted (required: never taken from the token).',
    }),
  ),
  jwksUri: Type.Optional(HttpUrl),
  discovery: Type.Optional(
    Type.Boolean({ description: "Find jwks_uri through the issuer's OpenID discovery document." }),
  ),
  jwks: Type.Optional(
    Type.Object(
      { keys: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1 }) },
      { additionalProperties: false, description: 'A local JWK set.' },
    ),
  ),
  publicKey: Type.Optional(NonEmpty),
  secret: Type.Optional(NonEmpty),
  typ: Type.Optional(Type.String({ minLength: 1, description: 'Require this token type, e.g. "at+jwt" (RFC 9068).' })),
  clockTolerance: Type.Optional(Duration),
  claims: Type.Optional(ClaimsMapping),
}

const JwtIssuer = Type.Object(jwtIssuerFields, { additionalProperties: false })

const BearerLocation = Type.Union(
  [
    Type.Object({ header: HeaderName }, { additionalProperties: false }),
    Type.Object({ cookie: NonEmpty }, { additionalProperties: false }),
  ],
  { [expectedKeyword]: '{ header: name } (a Bearer token) or { cookie: name }' },
)

const JwtSection = Type.Object(
  {
    ...jwtIssuerFields,
    issuers: Type.Optional(Type.Array(JwtIssuer, { minItems: 1, description: 'Several issuers at once.' })),
    in: Type.Optional(Type.Array(BearerLocation, { minItems: 1 })),
    cache: Type.Optional(
      Type.Object(
        { maxEntries: Type.Optional(Type.Integer({ minimum: 0 })) },
        { additionalProperties: false, description: 'Verified tokens kept until they expire (0 turns it off).' },
      ),
    ),
    keys: Type.Optional(
      Type.Object(
        {
          refreshInterval: Type.Optional(Duration),
          cooldown: Type.Optional(Duration),
          timeout: Type.Optional(Duration),
        },
        { additionalProperties: false, description: 'How remote key sets are fetched and refreshed.' },
      ),
    ),
  },
  { additionalProperties: false, description: 'JWT bearer tokens, verified with jose.' },
)

const IntrospectionSection = Type.Object(
  {
    url: HttpUrl,
    clientId: NonEmpty,
    clientSecret: NonEmpty,
    authMethod: Type.Optional(
      Type.Union([Type.Literal('client_secret_basic'), Type.Literal('client_secret_post')], {
        [expectedKeyword]: 'client_secret_basic or client_secret_post',
      }),
    ),
    timeout: Type.Optional(Duration),
    audience: Type.Optional(Audience),
    claims: Type.Optional(ClaimsMapping),
    cache: Type.Optional(
      Type.Object(
        {
          ttl: Type.Optional(Duration),
          inactiveTtl: Type.Optional(Duration),
          maxEntries: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'OAuth 2.0 token introspection (RFC 7662) for opaque tokens.' },
)

const MtlsSection = Type.Object(
  {
    ca: Type.Union([NonEmpty, Type.Array(NonEmpty, { minItems: 1 })], {
      [expectedKeyword]: 'a PEM or a file path, or a list of them',
      description: 'The CA(s) client certificates must chain to: PEM text or a file path.',
    }),
    forwarded: Type.Optional(
      Type.Object(
        {
          format: Type.Union([Type.Literal('xfcc'), Type.Literal('nginx'), Type.Literal('rfc9440')], {
            [expectedKeyword]: 'xfcc, nginx or rfc9440',
          }),
          header: Type.Optional(HeaderName),
        },
        {
          additionalProperties: false,
          description: 'Read the certificate from a header set by a trusted TLS terminator.',
        },
      ),
    ),
    requireClientAuth: Type.Optional(Type.Boolean()),
    fingerprints: Type.Optional(Type.Array(NonEmpty)),
    subject: Type.Optional(
      Type.Object(
        { commonName: Type.Optional(Type.Array(NonEmpty)), organization: Type.Optional(Type.Array(NonEmpty)) },
        { additionalProperties: false },
      ),
    ),
    subjectAltName: Type.Optional(
      Type.Object(
        {
          dns: Type.Optional(Type.Array(NonEmpty)),
          uri: Type.Optional(Type.Array(NonEmpty)),
          email: Type.Optional(Type.Array(NonEmpty)),
        },
        { additionalProperties: false },
      ),
    ),
    consumer: Type.Optional(
      Type.Union(
        [
          Type.Literal('subject.cn'),
          Type.Literal('san.uri'),
          Type.Literal('san.dns'),
          Type.Literal('san.email'),
          Type.Literal('fingerprint'),
        ],
        { [expectedKeyword]: 'subject.cn, san.uri, san.dns, san.email or fingerprint' },
      ),
    ),
    groups: Type.Optional(Type.Array(NonEmpty, { description: 'Groups every certificate-authenticated caller gets.' })),
  },
  { additionalProperties: false, description: 'Mutual TLS: client certificates.' },
)

const MethodName = Type.Union(
  [Type.Literal('apiKeys'), Type.Literal('jwt'), Type.Literal('introspection'), Type.Literal('mtls')],
  { [expectedKeyword]: 'apiKeys, jwt, introspection or mtls' },
)

const AuthRoute = Type.Object(
  {
    match: RoutePatternString,
    public: Type.Optional(Type.Boolean({ description: 'No credential needed (one presented is still checked).' })),
    anyOf: Type.Optional(Type.Array(MethodName, { minItems: 1 })),
    allOf: Type.Optional(Type.Array(MethodName, { minItems: 1 })),
  },
  { additionalProperties: false },
)

const IdentityHeaders = Type.Union(
  [
    Type.Literal(false),
    Type.Object(
      {
        consumer: Type.Optional(HeaderName),
        groups: Type.Optional(HeaderName),
        scopes: Type.Optional(HeaderName),
        credential: Type.Optional(HeaderName),
      },
      { additionalProperties: false },
    ),
  ],
  {
    [expectedKeyword]: 'false or { consumer, groups, scopes, credential }',
    description:
      "Headers that carry the caller's identity on to the app and upstreams. Default: x-consumer-id, x-consumer-groups.",
  },
)

/** The `auth` section. */
export const AuthSection = Type.Object(
  {
    apiKeys: Type.Optional(
      Type.Object(
        {
          in: Type.Optional(
            Type.Array(CredentialLocation, { minItems: 1, description: 'Default: [{ header: x-api-key }].' }),
          ),
          keys: Type.Optional(Type.Array(ApiKeyRecordSchema)),
          source: Type.Optional(codeOnly<ApiKeySource>('function', 'Looks a key up by its hash (code only).')),
          cache: Type.Optional(
            Type.Object(
              {
                maxEntries: Type.Optional(Type.Integer({ minimum: 1 })),
                ttl: Type.Optional(Duration),
                negativeTtl: Type.Optional(Duration),
              },
              { additionalProperties: false },
            ),
          ),
          strip: Type.Optional(
            Type.Boolean({ description: 'Remove the key from the request that goes on. Default: true.' }),
          ),
        },
        { additionalProperties: false, description: 'API keys, stored as hashes.' },
      ),
    ),
    jwt: Type.Optional(JwtSection),
    introspection: Type.Optional(IntrospectionSection),
    mtls: Type.Optional(MtlsSection),
    routes: Type.Optional(
      Type.Array(AuthRoute, { description: 'Which credentials each route takes; the first match wins.' }),
    ),
    identityHeaders: Type.Optional(IdentityHeaders),
    realm: Type.Optional(Type.String({ minLength: 1, description: 'The realm in WWW-Authenticate. Default: api.' })),
  },
  { additionalProperties: false, description: 'How callers prove who they are.' },
)

/** One API key as the config lists it and a key source returns it: the hash, never the key. */
export type ApiKeyRecord = Static<typeof ApiKeyRecordSchema>

/** Looks an API key up by its hash (`sha256:…`), e.g. in a database; `undefined` when unknown. */
export type ApiKeySource = (hash: string) => Promise<ApiKeyRecord | undefined> | ApiKeyRecord | undefined
