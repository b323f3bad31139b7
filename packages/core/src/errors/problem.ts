import { errorCodes, errorTypeBase } from './codes'
import type { GatewayError } from './gateway-error'

const encoder = new TextEncoder()

/** The media type of every error response. */
export const problemMediaType = 'application/problem+json'

/** An RFC 9457 problem document as Portcullis renders it. */
export interface ProblemDocument {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly code: string
  readonly detail?: string
  readonly instance?: string
  readonly errors?: readonly { pointer: string; message: string }[]
  readonly [extension: string]: unknown
}

/**
 * Renders a {@link GatewayError} as an RFC 9457 problem document; `instance` is the request id.
 * The error's `cause` and stack never appear in it.
 */
export function toProblemDocument(error: GatewayError, requestId?: string): ProblemDocument {
  const document: Record<string, unknown> = {
    ...error.extensions,
    type: errorTypeBase + error.code,
    title: errorCodes[error.code].title,
    status: error.status,
    code: error.code,
  }
  if (error.detail !== undefined) document.detail = error.detail
  if (requestId !== undefined) document.instance = requestId
  if (error.errors !== undefined) document.errors = error.errors
  return document as unknown as ProblemDocument
}

/** Builds the `application/problem+json` response for a {@link GatewayError}. */
export function toProblemResponse(error: GatewayError, requestId?: string): Response {
  const body = encoder.encode(JSON.stringify(toProblemDocument(error, requestId)))
  const headers = new Headers(error.headers)
  headers.set('content-type', problemMediaType)
  headers.set('content-length', String(body.byteLength))
  headers.set('cache-control', 'no-store')
  return new Response(body, { status: error.status, headers })
}
