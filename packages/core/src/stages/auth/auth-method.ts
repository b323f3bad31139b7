import type { GatewayContext } from '../../engine/context'
import type { Principal } from '../../engine/principal'
import type { GatewayError } from '../../errors/gateway-error'

/** The names the config uses for the authentication methods. */
export type AuthMethodName = 'apiKeys' | 'jwt' | 'introspection' | 'mtls'

/** The outcome of verifying one credential. */
export type AuthResult =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly error: GatewayError }

/** One way a caller can prove who they are. */
export interface AuthMethod {
  readonly name: AuthMethodName
  /** Whether the request carries this method's credential at all. */
  present(ctx: GatewayContext): boolean
  /** Verifies the credential; called only when it is present. */
  authenticate(ctx: GatewayContext): Promise<AuthResult>
  /** The `WWW-Authenticate` challenge that asks for this credential; none for mutual TLS. */
  readonly challenge: string | undefined
  /** Headers only a trusted proxy may send (forwarded client certificates). */
  readonly proxyHeaders?: readonly string[]
  /** Releases timers and connections. */
  close?(): void
}
