const durationPattern = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/
const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * Parses a duration written with its unit: `"500ms"`, `"30s"`, `"10m"`, `"1h"`, `"1d"`.
 * A bare number is refused, since it would be ambiguous. Returns milliseconds, or `undefined`.
 */
export function parseDuration(value: string): number | undefined {
  const match = durationPattern.exec(value.trim())
  if (match === null) return undefined
  const ms = Number(match[1]) * (unitMs[match[2] as string] as number)
  return Number.isFinite(ms) ? Math.round(ms) : undefined
}
