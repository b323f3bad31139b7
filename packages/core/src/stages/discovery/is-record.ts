/** Whether a value is a plain object (not `null`, not an array), as JSON objects parse to. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
