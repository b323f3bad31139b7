/**
 * A Web stream over an async iterable that pulls one chunk per read, so the consumer's pace sets the
 * producer's (`ReadableStream.from` is missing on some runtimes). Cancelling it ends the iterator.
 */
export function iterableStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next()
      if (done) controller.close()
      else controller.enqueue(value)
    },
    async cancel(reason) {
      await iterator.return?.(reason)
    },
  })
}
