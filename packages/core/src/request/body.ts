import { GatewayError } from '../errors/gateway-error'
import { parseRequestJson } from './safe-json'

/**
 * How an adapter hands the request body to the engine. The engine reads it at most once, and
 * only when a stage asks for it.
 */
export interface BodySource {
  /** The declared `Content-Length`, when there is one. */
  readonly declaredLength: number | undefined
  /** Whether the request has a body at all (a non-zero length, or a chunked one). */
  readonly present: boolean
  /**
   * Reads the whole body, failing with `request.body_too_large` as soon as more than `limit`
   * bytes arrive (before the body is buffered whole) and with `request.body_incomplete` when the
   * client goes away. The app behind the gateway must still be able to read the body after this.
   */
  read(limit: number): Promise<Uint8Array>
  /**
   * The body as a stream, for sending it on without buffering it (a route to an upstream). Called at
   * most once, and only when `read` was not; where the framework consumed the stream already, it may
   * yield the parsed copy.
   */
  stream(): AsyncIterable<Uint8Array>
  /** A body the framework already parsed before the gateway ran (e.g. Express `req.body`). */
  readonly parsed?: { readonly value: unknown }
}

/** The request body as stages see it: read lazily, once, within the configured limits. */
export interface RequestBody {
  /** Whether the request has a body. */
  readonly present: boolean
  /** The declared `Content-Length`, if any. */
  readonly declaredLength: number | undefined
  /** Whether the gateway has read the body (so adapters know to hand it on). */
  readonly consumed: boolean
  /** Whether the gateway has parsed the body as JSON. */
  readonly parsedJson: boolean
  /** The raw bytes. */
  bytes(): Promise<Uint8Array>
  /** The bytes decoded as UTF-8. */
  text(): Promise<string>
  /** The body parsed as JSON (`undefined` for an empty body), depth-checked. */
  json(): Promise<unknown>
  /**
   * The body as a stream, within the size limit (a body over it fails the stream with
   * `request.body_too_large`), for sending it on without buffering it. Once the body is streamed it
   * cannot be read whole; when it was read already, the stream yields those bytes.
   */
  stream(): AsyncIterable<Uint8Array>
}

/** The limits the body reader enforces. */
export interface BodyLimits {
  readonly maxBytes: number
  readonly maxJsonDepth: number
}

const utf8 = new TextDecoder()
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Whether JSON text nests deeper than `maxDepth` arrays/objects; strings are skipped. */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === 92 /* \ */) i++
      else if (code === 34 /* " */) inString = false
    } else if (code === 34) {
      inString = true
    } else if (code === 123 /* { */ || code === 91 /* [ */) {
      if (++depth > maxDepth) return true
    } else if (code === 125 /* } */ || code === 93 /* ] */) {
      depth--
    }
  }
  return false
}

class ReadOnceBody implements RequestBody {
  readonly #source: BodySource
  readonly #limits: BodyLimits
  #bytes: Promise<Uint8Array> | undefined
  #json: Promise<unknown> | undefined

  constructor(source: BodySource, limits: BodyLimits) {
    this.#source = source
    this.#limits = limits
  }

  get present(): boolean {
    return this.#source.present
  }

  get declaredLength(): number | undefined {
    return this.#source.declaredLength
  }

  get consumed(): boolean {
    return this.#bytes !== undefined
  }

  get parsedJson(): boolean {
    return this.#json !== undefined
  }

  bytes(): Promise<Uint8Array> {
    if (this.#bytes === undefined) {
      const { declaredLength, present } = this.#source
      const { maxBytes } = this.#limits
      if (declaredLength !== undefined && declaredLength > maxBytes)
        this.#bytes = Promise.reject(bodyTooLarge(maxBytes))
      else this.#bytes = present ? this.#source.read(maxBytes) : Promise.resolve(new Uint8Array(0))
    }
    return this.#bytes
  }

  async text(): Promise<string> {
    return utf8.decode(await this.bytes())
  }

  stream(): AsyncIterable<Uint8Array> {
    if (this.#bytes !== undefined) return yieldWhole(this.#bytes)
    const { maxBytes } = this.#limits
    const { declaredLength, present } = this.#source
    if (declaredLength !== undefined && declaredLength > maxBytes) this.#bytes = Promise.reject(bodyTooLarge(maxBytes))
    else if (!present) this.#bytes = Promise.resolve(new Uint8Array(0))
    else {
      this.#bytes = Promise.reject(
        new GatewayError('request.body_incomplete', { detail: 'The request body was streamed on already.' }),
      )
      this.#bytes.catch(() => {})
      return limitedStream(this.#source.stream(), maxBytes)
    }
    return yieldWhole(this.#bytes)
  }

  json(): Promise<unknown> {
    this.#json ??= this.#parseJson()
    return this.#json
  }

  async #parseJson(): Promise<unknown> {
    if (this.#source.parsed !== undefined) return this.#source.parsed.value
    const raw = await this.bytes()
    if (raw.length === 0) return undefined
    let text: string
    try {
      text = strictUtf8.decode(raw)
    } catch {
      throw new GatewayError('request.invalid_json', { detail: 'The body is not valid UTF-8.' })
    }
    const { maxJsonDepth } = this.#limits
    if (exceedsJsonDepth(text, maxJsonDepth)) {
      throw new GatewayError('request.json_too_deep', {
        detail: `The body nests arrays and objects deeper than ${maxJsonDepth} levels.`,
      })
    }
    return parseRequestJson(text)
  }
}

async function* yieldWhole(bytes: Promise<Uint8Array>): AsyncGenerator<Uint8Array> {
  const whole = await bytes
  if (whole.byteLength > 0) yield whole
}

/** Passes a stream on, failing with `request.body_too_large` as soon as it grows past `limit`. */
async function* limitedStream(source: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let total = 0
  try {
    for await (const chunk of source) {
      total += chunk.byteLength
      if (total > limit) throw bodyTooLarge(limit)
      yield chunk
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error
    throw new GatewayError('request.body_incomplete', { detail: 'The request body ended early.', cause: error })
  }
}

/** Creates the lazy, read-once {@link RequestBody} over an adapter's {@link BodySource}. */
export function createRequestBody(source: BodySource, limits: BodyLimits): RequestBody {
  return new ReadOnceBody(source, limits)
}

/** The error for a body over the limit. */
export function bodyTooLarge(maxBytes: number): GatewayError {
  return new GatewayError('request.body_too_large', {
    detail: `The request body exceeds the limit of ${maxBytes} bytes.`,
    headers: { connection: 'close' },
  })
}

/**
 * Reads a Web stream (or any async iterable of byte chunks) whole, failing as soon as it grows
 * past `limit`; the stream is cancelled then, so no more of it is read.
 */
export async function readLimited(
  stream: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  limit: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  const iterable = stream as AsyncIterable<Uint8Array>
  try {
    for await (const chunk of iterable) {
      total += chunk.byteLength
      if (total > limit) throw bodyTooLarge(limit)
      chunks.push(chunk)
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error
    throw new GatewayError('request.body_incomplete', { detail: 'The request body ended early.', cause: error })
  }
  return concatChunks(chunks, total)
}

/** Joins byte chunks into one array. */
export function concatChunks(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const result = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    result.set(chunk, offset)
    offset += chunk.byteLength
  }
  return result
}
