import type { IncomingMessage } from 'node:http'
import { type BodySource, bodyTooLarge, concatChunks, GatewayError } from '@portcullis/core'

/**
 * Reads a Node request body whole, within `limit`, and puts the bytes back into the stream before
 * it ends, so whatever reads the request after the gateway (a body parser, a raw `data` listener,
 * a pipe) gets the body as if nobody had touched it.
 */
function readAndReplay(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    const cleanup = () => {
      req.off('readable', onReadable)
      req.off('error', onFailure)
      req.off('close', onFailure)
    }
    const onFailure = () => {
      cleanup()
      reject(new GatewayError('request.body_incomplete', { detail: 'The client stopped sending the body.' }))
    }
    function onReadable() {
      for (let chunk = req.read() as Buffer | null; chunk !== null; chunk = req.read() as Buffer | null) {
        total += chunk.length
        if (total > limit) {
          cleanup()
          reject(bodyTooLarge(limit))
          return
        }
        chunks.push(chunk)
      }
      if (!req.complete) return
      // The last read() scheduled 'end' for the next tick; putting the bytes back now, in the same
      // tick, cancels it, and the stream reads as unread to whoever comes next.
      cleanup()
      const body = concatChunks(chunks, total)
      if (total > 0) req.unshift(Buffer.from(body.buffer, body.byteOffset, body.byteLength))
      resolve(body)
    }
    req.on('readable', onReadable)
    req.on('error', onFailure)
    req.on('close', onFailure)
  })
}

/** Options of {@link nodeBodySource}. */
export interface NodeBodySourceOptions {
  /** A body the framework parsed before the gateway ran (e.g. Express `req.body`). */
  parsed?: { readonly value: unknown } | undefined
}

const encoder = new TextEncoder()

/** The {@link BodySource} of a Node request. */
class NodeBodySource implements BodySource {
  readonly declaredLength: number | undefined
  readonly present: boolean
  readonly parsed: { readonly value: unknown } | undefined
  readonly #req: IncomingMessage

  constructor(req: IncomingMessage, parsed: { readonly value: unknown } | undefined) {
    const lengthHeader = req.headers['content-length']
    this.#req = req
    this.declaredLength = lengthHeader === undefined ? undefined : Number(lengthHeader)
    this.present =
      (this.declaredLength !== undefined && this.declaredLength > 0) || req.headers['transfer-encoding'] !== undefined
    this.parsed = parsed
  }

  read(limit: number): Promise<Uint8Array> {
    const req = this.#req
    // Someone read the stream before the gateway; only a parsed copy of it is left.
    if (req.readableEnded || req.readableDidRead) {
      if (this.parsed !== undefined) return Promise.resolve(encoder.encode(JSON.stringify(this.parsed.value) ?? ''))
      return Promise.reject(
        new GatewayError('request.body_incomplete', {
          detail: 'The request body was consumed before the gateway could read it.',
        }),
      )
    }
    return readAndReplay(req, limit)
  }

  stream(): AsyncIterable<Uint8Array> {
    const req = this.#req
    if (req.readableEnded || req.readableDidRead) return wholeRead(this, Number.MAX_SAFE_INTEGER)
    return req
  }
}

async function* wholeRead(source: NodeBodySource, limit: number): AsyncGenerator<Uint8Array> {
  yield await source.read(limit)
}

/** The {@link BodySource} of a Node request: read within a limit and put back for the app. */
export function nodeBodySource(req: IncomingMessage, options: NodeBodySourceOptions = {}): BodySource {
  return new NodeBodySource(req, options.parsed)
}
