import { concatChunks } from '@portcullis/core'

/** A response body read as far as it is at hand: whole when it ended, else the chunks from the start on. */
export type BodyStart =
  | { readonly whole: true; readonly bytes: Uint8Array }
  | { readonly whole: false; readonly chunks: AsyncIterable<Uint8Array> }

type Read = ReadableStreamReadResult<Uint8Array>

const notYet = Symbol('not yet')

/** The read's result if it settles before the event loop turns (an in-memory body), else `notYet`. */
function atHand(read: Promise<Read>): Promise<Read | typeof notYet> {
  return new Promise((resolve, reject) => {
    const timer = setImmediate(() => resolve(notYet))
    read.then(
      (result) => {
        clearImmediate(timer)
        resolve(result)
      },
      (error: unknown) => {
        clearImmediate(timer)
        reject(error)
      },
    )
  })
}

async function* startThenRest(
  head: readonly Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
  pending: Promise<Read> | undefined,
): AsyncGenerator<Uint8Array> {
  try {
    yield* head
    let read = await (pending ?? reader.read())
    for (; !read.done; read = await reader.read()) yield read.value
  } finally {
    // Stopped early (the client went away): the source must stop too.
    void reader.cancel().catch(() => {})
  }
}

/**
 * Reads what a body has at hand, up to `limit`. A small body already in memory (a handler's
 * `Response.json`, which declares no length) is then written in one go with its length instead of
 * streamed chunked through a pipeline, which costs several times more for a few hundred bytes. A
 * body still arriving (an upstream's, a stream of events) is never held back: as soon as a chunk is
 * not at hand, what there is goes out and the rest streams.
 */
export async function readBodyStart(body: ReadableStream<Uint8Array>, limit: number): Promise<BodyStart> {
  const reader = body.getReader()
  const head: Uint8Array[] = []
  let total = 0
  for (;;) {
    const next = reader.read()
    const read = await atHand(next)
    if (read === notYet) return { whole: false, chunks: startThenRest(head, reader, next) }
    if (read.done) return { whole: true, bytes: concatChunks(head, total) }
    head.push(read.value)
    total += read.value.byteLength
    if (total > limit) return { whole: false, chunks: startThenRest(head, reader, undefined) }
  }
}
