import { describe, expect, it } from 'vitest'
import { recommendLimit } from '../src/stages/discovery/recommend-limit'
import { seededRandom } from './seeded-random'

/** Peaks per 10 min of normal sessions: log-normal around `median` (most between 5 and 30 for 12, σ 0.5). */
function normalPeaks(count: number, seed: number, median = 12, sigma = 0.5): number[] {
  const random = seededRandom(seed)
  return Array.from({ length: count }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
    return Math.max(1, Math.round(median * Math.exp(sigma * z)))
  })
}

function scraperPeaks(count: number, seed: number): number[] {
  const random = seededRandom(seed)
  return Array.from({ length: count }, () => 2_000 + Math.floor(random() * 8_000))
}

const nearestRank = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.ceil(p * sorted.length) - 1] as number
}

describe('recommendLimit', () => {
  const normal = normalPeaks(500, 1)
  const scrapers = scraperPeaks(5, 2)
  const normalP99 = nearestRank(normal, 0.99)
  const smallestScraper = Math.min(...scrapers)

  it('puts the threshold above what normal sessions need and below the scrapers', () => {
    const result = recommendLimit([...normal, ...scrapers])
    expect(result).toBeDefined()
    expect(result?.sessions).toBe(505)
    expect(result?.outliers).toBe(5)
    expect(result?.smallestOutlier).toBe(smallestScraper)
    expect(result?.p99).toBe(normalP99)
    expect(result?.threshold).toBeGreaterThanOrEqual(normalP99 * 1.5)
    expect(result?.threshold).toBeLessThan(smallestScraper)
  })

  it('is not dragged up by the scrapers', () => {
    const clean = recommendLimit(normal)?.threshold as number
    const dirty = recommendLimit([...normal, ...scrapers])?.threshold as number
    expect(clean).toBeGreaterThan(normalP99)
    expect(dirty / clean).toBeLessThanOrEqual(1.25)
    expect(dirty / clean).toBeGreaterThanOrEqual(1)
  })

  it('stays put even when one session in ten scrapes, where a plain p99 would not', () => {
    const heavy = scraperPeaks(50, 3)
    const result = recommendLimit([...normal, ...heavy])
    expect(nearestRank([...normal, ...heavy], 0.99)).toBeGreaterThanOrEqual(2_000)
    expect(result?.outliers).toBe(50)
    expect(result?.threshold).toBe(recommendLimit(normal)?.threshold)
  })

  it('recommends nothing below minSessions normal sessions, however many outliers', () => {
    expect(recommendLimit(normalPeaks(49, 4))).toBeUndefined()
    expect(recommendLimit([...normalPeaks(49, 4), ...scraperPeaks(10, 5)])).toBeUndefined()
    expect(recommendLimit(normalPeaks(50, 4))).toBeDefined()
    expect(recommendLimit(normalPeaks(10, 4), { minSessions: 10 })).toBeDefined()
    expect(recommendLimit([])).toBeUndefined()
  })

  it('is more confident with more sessions and with less dispersion', () => {
    const few = recommendLimit(normalPeaks(60, 6))?.confidence as number
    const many = recommendLimit(normalPeaks(5_000, 7))?.confidence as number
    expect(many).toBeGreaterThan(few)
    expect(many).toBeGreaterThan(0.9)
    expect(many).toBeLessThanOrEqual(1)
    expect(few).toBeGreaterThan(0)
    const tight = recommendLimit(normalPeaks(500, 8, 12, 0.3))?.confidence as number
    const wide = recommendLimit(normalPeaks(500, 8, 12, 1))?.confidence as number
    expect(tight).toBeGreaterThan(wide)
  })

  it('does not call a session an outlier when most sessions tie', () => {
    // A login endpoint: nearly everyone logs in once; a few retry. MAD is 0 here.
    const peaks = [...Array.from({ length: 480 }, () => 1), ...Array.from({ length: 20 }, (_, i) => 2 + (i % 4))]
    const result = recommendLimit(peaks)
    expect(result?.outliers).toBe(0)
    expect(result?.threshold).toBeGreaterThanOrEqual(result?.max as number)
  })

  it('rounds to a nice number and caps the threshold below the smallest outlier', () => {
    const tight = [...Array.from({ length: 300 }, (_, i) => 10 + (i % 3)), 50]
    expect(recommendLimit(tight)?.threshold).toBe(20) // p99 12 × 1.5 = 18 → 20
    const capped = recommendLimit(tight, { headroom: 5 })
    expect(capped?.smallestOutlier).toBe(50)
    expect(capped?.threshold).toBe(49)
  })

  it('rejects bad input', () => {
    expect(() => recommendLimit([1, Number.NaN])).toThrow(RangeError)
    expect(() => recommendLimit([1, -1])).toThrow(RangeError)
    expect(() => recommendLimit([1], { headroom: 0.5 })).toThrow(RangeError)
    expect(() => recommendLimit([1], { minSessions: 0 })).toThrow(RangeError)
  })
})
