import {
  type CryptoKey,
  createLocalJWKSet,
  type FlattenedJWSInput,
  importSPKI,
  importX509,
  type JWSHeaderParameters,
  type JWTPayload,
  jwtVerify,
} from 'jose'
import type { ClaimMapping } from '../auth/claim-mapping'
import type { RemoteKeySet } from './remote-key-set'

/** Where an issuer's verification keys come from. */
export type IssuerKeys =
  | { readonly kind: 'remote'; readonly keySet: RemoteKeySet }
  | { readonly kind: 'jwks'; readonly jwks: { readonly keys: readonly object[] } }
  | { readonly kind: 'pem'; readonly pem: string }
  | { readonly kind: 'secret'; readonly secret: Uint8Array }

/** One accepted issuer, compiled from the config. */
export interface JwtIssuerOptions {
  /** The `iss` tokens must carry; `undefined` accepts any (only when it is the single issuer). */
  readonly issuer: string | undefined
  readonly audience: string | readonly string[] | undefined
  readonly algorithms: readonly string[]
  readonly typ: string | undefined
  readonly clockToleranceSeconds: number
  readonly claims: ClaimMapping
  readonly keys: IssuerKeys
}

type KeyInput = CryptoKey | Uint8Array
type KeyFunction = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<KeyInput> | KeyInput

function keyFunction(keys: IssuerKeys): KeyFunction {
  switch (keys.kind) {
    case 'remote':
      return (header, token) => keys.keySet.resolve(header, token)
    case 'jwks':
      return createLocalJWKSet({ keys: [...keys.jwks.keys] as never })
    case 'secret':
      return () => keys.secret
    case 'pem': {
      // jose imports a PEM for one algorithm; the algorithm was already checked against the pinned list.
      const imported = new Map<string, Promise<CryptoKey>>()
      const importer = keys.pem.includes('BEGIN CERTIFICATE') ? importX509 : importSPKI
      return (header) => {
        const algorithm = header.alg as string
        let key = imported.get(algorithm)
        if (key === undefined) {
          key = importer(keys.pem, algorithm)
          imported.set(algorithm, key)
        }
        return key
      }
    }
  }
}

/** Verifies tokens of one issuer with jose: pinned algorithms, `exp` required, `iss`/`aud`/`typ` when set. */
export class JwtIssuer {
  readonly options: JwtIssuerOptions
  readonly #key: KeyFunction

  constructor(options: JwtIssuerOptions) {
    this.options = options
    this.#key = keyFunction(options.keys)
  }

  /** The verified payload; rejects with jose's error (or KeySetUnavailableError). */
  async verify(token: string, now: number): Promise<JWTPayload> {
    const { issuer, audience, algorithms, typ, clockToleranceSeconds } = this.options
    const { payload } = await jwtVerify(token, this.#key as never, {
      issuer,
      audience: audience as string | string[] | undefined,
      algorithms: [...algorithms],
      typ,
      clockTolerance: clockToleranceSeconds,
      requiredClaims: ['exp'],
      currentDate: new Date(now),
    })
    return payload
  }

  close(): void {
    if (this.options.keys.kind === 'remote') this.options.keys.keySet.close()
  }
}
