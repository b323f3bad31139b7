/** A count read from serialised state: a non-negative safe integer, else a `TypeError`. */
export function readCount(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError('a count must be a non-negative integer')
  }
  return value
}
