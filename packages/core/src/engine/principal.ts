import type { ClientCertificate } from '../stages/mtls/client-certificate'

/** How a caller proved who they are. */
export type CredentialKind = 'api-key' | 'jwt' | 'introspection' | 'mtls' | 'anonymous' | (string & {})

/** Who the caller is, as authentication found it; later stages key on it. */
export interface Principal {
  /** The consumer id (an API consumer, a client, a user). */
  readonly consumer: string
  /** The groups (plans, roles) the consumer belongs to. */
  readonly groups: readonly string[]
  /** The OAuth scopes granted. */
  readonly scopes: readonly string[]
  /** The raw claims (JWT or introspection), if any. */
  readonly claims: Readonly<Record<string, unknown>>
  /** The kind of credential presented; `+`-joined when a route required several (`mtls+api-key`). */
  readonly credential: CredentialKind
  /** The verified client certificate, when mutual TLS took part. */
  readonly certificate?: ClientCertificate
}
