const byteSizePattern = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i
const unitBytes: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/**
 * Parses a size: an integer number of bytes, or a string such as `"512kb"`, `"1.5mb"` (units are
 * powers of 1024). Returns `undefined` when it is not one.
 */
export function parseByteSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined
  const match = byteSizePattern.exec(value.trim())
  if (match === null) return undefined
  const bytes = Math.floor(Number(match[1]) * (unitBytes[(match[2] ?? 'b').toLowerCase()] as number))
  return Number.isSafeInteger(bytes) ? bytes : undefined
}
