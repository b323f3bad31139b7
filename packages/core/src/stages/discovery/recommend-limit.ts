/** Options for {@link recommendLimit}. */
export interface RecommendLimitOptions {
  /** Normal (non-outlier) sessions needed before anything is recommended. Default 50, Cloudflare's gate. */
  readonly minSessions?: number
  /** Multiplier over the normal sessions' p99, at least 1. Default 1.5. */
  readonly headroom?: number
}

/** A recommended per-session limit for one endpoint, with the statistics behind it. */
export interface Recommendation {
  /** Sessions in the input. */
  readonly sessions: number
  /** Sessions set aside as outliers (likely scrapers); the statistics below exclude them. */
  readonly outliers: number
  /** Median peak of the normal sessions. */
  readonly p50: number
  /** 90th-percentile peak of the normal sessions. */
  readonly p90: number
  /** 99th-percentile peak of the normal sessions. */
  readonly p99: number
  /** Largest peak of the normal sessions. */
  readonly max: number
  /** Smallest outlier's peak, or `undefined` when there are none. */
  readonly smallestOutlier: number | undefined
  /** Recommended requests per session per window: a session making more would be limited. */
  readonly threshold: number
  /** How far to trust `threshold`, in [0, 1]; see {@link recommendLimit}. */
  readonly confidence: number
}

// MAD × 1.4826 estimates the standard deviation of a normal distribution (here: of log-peaks).
const madToSigma = 1.4826
// Past 4.5 robust sigmas: ~3 in a million normal sessions, so a heavy but real user is rarely set
// aside (which could cap the limit below them), while a scraper at 100× the median is still caught
// whenever σ ≤ 1. Iglewicz–Hoaglin's usual 3.5 flagged ~1 in 1,400 normal sessions in simulation.
const fenceSigmas = 4.5
// Nobody is called an abuser for less than 4× the median session (on 1 + peak). This floors the
// fence when most sessions tie (MAD = 0), e.g. a login endpoint where nearly everyone makes 1 request.
const minFenceRatio = 4
// Standard error of a sample quantile is √(p(1−p)/n) / density at the quantile; for p = 0.99 of a
// normal in log space that is σ/√n × √(0.99 × 0.01) / φ(2.326) ≈ 3.73 σ/√n.
const p99ErrorFactor = Math.sqrt(0.99 * 0.01) / (Math.exp(-(2.3263 ** 2) / 2) / Math.sqrt(2 * Math.PI))
const z95 = 1.96
// Steps between which a "nice" limit is picked: consecutive ones differ by at most 25%.
const niceSteps = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]

const median = (sorted: readonly number[]): number => {
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** Nearest-rank percentile: a value some session actually reached. */
const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number

/** The smallest nice number ≥ x; below 10 just the next integer. */
const niceCeil = (x: number): number => {
  if (x <= 10) return Math.ceil(x)
  const scale = 10 ** Math.floor(Math.log10(x))
  const step = niceSteps.find((candidate) => candidate * scale >= x - 1e-9) ?? 10
  return Math.round(step * scale)
}

/**
 * Recommends a per-session rate limit from each session's peak requests per window on one endpoint.
 *
 * Returns `undefined` below `minSessions` normal sessions: a p99 of fewer is close to the sample's
 * maximum, not a statistic, and an absent result cannot be mistaken for a limit.
 *
 * Outliers: peaks are compared in log space (ln(1 + peak); request rates are roughly log-normal and
 * scrapers are orders of magnitude apart, not a fixed amount), against an upper fence at the median
 * plus 4.5 robust sigmas (1.4826 × MAD), or at 4× the median if that is higher. Median and MAD ignore
 * up to half the data, so a few abusive sessions move the fence, and hence the threshold, hardly at all.
 *
 * Threshold: the normal sessions' p99 × headroom, rounded up to a nice number (1, 1.2, 1.5, 2, 2.5,
 * 3, 4, 5, 6, 8 × 10ⁿ; at most +25%). If that reaches the smallest outlier it is lowered to just
 * below it, but never below the p99 itself: normal users win a tie.
 *
 * Confidence: the product of two chances of being right. `1 − 0.99ⁿ` is the chance that n normal
 * sessions include one from the top 1% at all, i.e. that the p99 was observed, not extrapolated
 * (0.39 at n = 50, 0.99 at 500). `1 / (1 + u)` shrinks with u = 1.96 × 3.73 σ/√n, the half-width
 * of the p99's 95% interval in log space (its relative error), which grows with dispersion σ.
 */
export function recommendLimit(
  peaks: readonly number[],
  options: RecommendLimitOptions = {},
): Recommendation | undefined {
  const minSessions = options.minSessions ?? 50
  const headroom = options.headroom ?? 1.5
  if (!Number.isSafeInteger(minSessions) || minSessions < 1) {
    throw new RangeError(`minSessions must be a positive integer, got ${minSessions}`)
  }
  if (!Number.isFinite(headroom) || headroom < 1) throw new RangeError(`headroom must be at least 1, got ${headroom}`)
  if (peaks.some((peak) => !Number.isFinite(peak) || peak < 0)) {
    throw new RangeError('peaks must be finite and non-negative')
  }
  if (peaks.length < minSessions) return undefined

  const sorted = [...peaks].sort((a, b) => a - b)
  const logs = sorted.map((peak) => Math.log1p(peak))
  const center = median(logs)
  const sigma = madToSigma * median(logs.map((y) => Math.abs(y - center)).sort((a, b) => a - b))
  const fence = center + Math.max(fenceSigmas * sigma, Math.log(minFenceRatio))
  let normalCount = logs.findIndex((y) => y > fence)
  if (normalCount === -1) normalCount = sorted.length
  if (normalCount < minSessions) return undefined

  const normal = sorted.slice(0, normalCount)
  const p99 = percentile(normal, 0.99)
  const smallestOutlier = sorted[normalCount]
  let threshold = Math.max(1, niceCeil(p99 * headroom))
  if (smallestOutlier !== undefined && threshold >= smallestOutlier) {
    threshold = Math.max(1, Math.ceil(p99), Math.min(Math.ceil(p99 * headroom), smallestOutlier - 1))
  }
  const relativeError = z95 * p99ErrorFactor * (sigma / Math.sqrt(normalCount))
  const confidence = (1 - 0.99 ** normalCount) / (1 + relativeError)

  return {
    sessions: sorted.length,
    outliers: sorted.length - normalCount,
    p50: percentile(normal, 0.5),
    p90: percentile(normal, 0.9),
    p99,
    max: normal[normalCount - 1] as number,
    smallestOutlier,
    threshold,
    confidence,
  }
}
