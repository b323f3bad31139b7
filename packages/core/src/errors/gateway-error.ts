import { type ErrorCode, errorCodes } from './codes'

/** One located problem inside a request, e.g. a failed validation of `/body/email`. */
export interface ProblemItem {
  /** JSON pointer into the request, e.g. `/body/email` or `/query/limit`. */
  readonly pointer: string
  /** What is wrong there, in words that never echo the input. */
  readonly message: string
}

/** Options of a {@link GatewayError}. */
export interface GatewayErrorOptions {
  /** A human explanation for this occurrence; it must never echo secrets or large inputs. */
  detail?: string
  /** Headers the response carries, e.g. `WWW-Authenticate` or `Retry-After`. */
  headers?: Record<string, string>
  /** Located problems, rendered as the `errors` member of the problem document. */
  errors?: readonly ProblemItem[]
  /** Extra problem members (RFC 9457 extensions), e.g. `violated-policies`. */
  extensions?: Record<string, unknown>
  /** The underlying cause, kept for logs; never rendered into a response. */
  cause?: unknown
}

/**
 * A denial or failure with a stable {@link ErrorCode}; its status comes from the code table.
 *
 * @example
 * ```ts
 * return deny(new GatewayError('request.body_too_large', { detail: 'The limit is 1048576 bytes.' }))
 * ```
 */
export class GatewayError extends Error {
  /** The stable code to `switch` on. */
  readonly code: ErrorCode
  /** The HTTP status, from the code table. */
  readonly status: number
  /** The human explanation for this occurrence, if any. */
  readonly detail: string | undefined
  /** Headers the problem response carries. */
  readonly headers: Readonly<Record<string, string>>
  /** Located problems, if any. */
  readonly errors: readonly ProblemItem[] | undefined
  /** Extra problem members. */
  readonly extensions: Readonly<Record<string, unknown>> | undefined

  constructor(code: ErrorCode, options: GatewayErrorOptions = {}) {
    const entry = errorCodes[code]
    // A denial is an answer, not a bug: capturing its stack was a tenth of a refusal's cost (a 429 flood
    // is all refusals). The cause, when there is one, keeps its own stack.
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(options.detail ?? entry.title, options.cause === undefined ? undefined : { cause: options.cause })
    Error.stackTraceLimit = stackTraceLimit
    this.name = 'GatewayError'
    this.code = code
    this.status = entry.status
    this.detail = options.detail
    this.headers = options.headers ?? {}
    this.errors = options.errors
    this.extensions = options.extensions
  }
}

/** Whether a value is a {@link GatewayError}, also across duplicated package copies. */
export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError || (value instanceof Error && value.name === 'GatewayError' && 'code' in value)
}
