import type { GatewayContext } from '../../engine/context'
import { type GatewayError, isGatewayError } from '../../errors/gateway-error'

/** The request body to send on, and the error that cut its stream short (a body over the limit). */
export interface OnwardBody {
  /** Bytes a stage read (they can be sent again), the client's stream, or none. */
  readonly source: Uint8Array | AsyncIterable<Uint8Array> | undefined
  /** The gateway error the body stream failed with, once it has. */
  error(): GatewayError | undefined
}

const noBody: OnwardBody = { source: undefined, error: () => undefined }

/** The body as the gateway has it: the bytes a stage read, else the client's stream, watched for errors. */
export async function onwardBody(ctx: GatewayContext): Promise<OnwardBody> {
  const { body } = ctx.request
  if (!body.present) return noBody
  if (body.consumed) {
    const bytes = await body.bytes()
    return { source: bytes, error: () => undefined }
  }
  const stream = body.stream()
  let failure: GatewayError | undefined
  return {
    source: (async function* watched() {
      try {
        yield* stream
      } catch (error) {
        if (isGatewayError(error)) failure = error
        throw error
      }
    })(),
    error: () => failure,
  }
}
