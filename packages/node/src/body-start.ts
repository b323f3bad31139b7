import { concatChunks } from '@portcullis/core'

/** A response body read up to a limit: whole when it ended within it, else the chunks from the start on. */
export type BodyStart =
  | { readonly whole: true; readonly bytes: Uint8Array }
  | { readonly whole: false; readonly chunks: AsyncIterable<Uint8Array> }

async function* startThenRest(
  head: readonly Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  try {
    yield* head
    for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value
  } finally {
    // Stopped early (the client went away): the source must stop too.
    void reader.cancel().catch(() => {})
  }
}

/**
 * Reads a body until it ends or grows past `limit`. A small body without a declared length (a
 * handler's `Response.json`) is then written in one go with its length, not streamed chunked
 * through a pipeline, which costs several times more for a few hundred bytes.
 */
export async function readBodyStart(body: ReadableStream<Uint8Array>, limit: number): Promise<BodyStart> {
  const reader = body.getReader()
  const head: Uint8Array[] = []
  let total = 0
  for (;;) {
    const read = await reader.read()
    if (read.done) return { whole: true, bytes: concatChunks(head, total) }
    head.push(read.value)
    total += read.value.byteLength
    if (total > limit) return { whole: false, chunks: startThenRest(head, reader) }
  }
}
