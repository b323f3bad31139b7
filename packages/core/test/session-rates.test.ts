import { describe, expect, it } from 'vitest'
import { recommendLimit } from '../src/stages/discovery/recommend-limit'
import { SessionRates, type SessionRatesSnapshot } from '../src/stages/discovery/session-rates'
import { seededRandom } from './seeded-random'

const minute = 60_000
const window = 10 * minute
const t0 = Date.UTC(2026, 1, 11) // a multiple of 10 minutes

/** A snapshot in a canonical order, so two with the same content compare equal. */
const canonical = (snapshot: SessionRatesSnapshot) => ({
  ...snapshot,
  endpoints: snapshot.endpoints
    .map(([endpoint, sessions]) => [endpoint, [...sessions].sort((a, b) => a[0].localeCompare(b[0]))] as const)
    .sort((a, b) => a[0].localeCompare(b[0])),
})

describe('SessionRates windows', () => {
  it('aligns windows to multiples of windowMs', () => {
    const rates = new SessionRates()
    rates.record('/a', 's', t0 + window - 1)
    rates.record('/a', 's', t0 + window - 2)
    rates.record('/a', 's', t0 + window) // the next window
    expect(rates.peaks('/a')).toEqual([2])
  })

  it('gives a session spread over two windows its larger window as the peak', () => {
    const rates = new SessionRates()
    for (let i = 0; i < 3; i++) rates.record('/a', 'early-small', t0 + i * minute)
    for (let i = 0; i < 7; i++) rates.record('/a', 'early-small', t0 + window + i * minute)
    for (let i = 0; i < 7; i++) rates.record('/a', 'early-big', t0 + i * minute)
    for (let i = 0; i < 3; i++) rates.record('/a', 'early-big', t0 + window + i * minute)
    expect(rates.peaks('/a')).toEqual([7, 7])
  })

  it('counts the current window in the peak, and a late request in the latest window', () => {
    const rates = new SessionRates()
    rates.record('/a', 's', t0 + window)
    rates.record('/a', 's', t0) // stamped in the earlier, closed window
    expect(rates.peaks('/a')).toEqual([2])
  })

  it('keeps endpoints apart and lists them', () => {
    const rates = new SessionRates()
    rates.record('/a', 's', t0)
    rates.record('/b', 's', t0)
    rates.record('/b', 's', t0)
    expect(rates.endpoints()).toEqual(['/a', '/b'])
    expect(rates.peaks('/b')).toEqual([2])
    expect(rates.peaks('/unknown')).toEqual([])
  })

  it('rejects bad options and timestamps', () => {
    expect(() => new SessionRates({ windowMs: 0 })).toThrow(RangeError)
    expect(() => new SessionRates({ maxEndpoints: 1.5 })).toThrow(RangeError)
    expect(() => new SessionRates().record('/a', 's', Number.NaN)).toThrow(RangeError)
  })
})

describe('SessionRates snapshots', () => {
  /** Random traffic: sticky sessions over 6 windows; in the last window each request lands anywhere. */
  function traffic(seed: number): { endpoint: string; session: string; at: number; sticky: number }[] {
    const random = seededRandom(seed)
    return Array.from({ length: 20_000 }, () => {
      const session = `s${Math.floor(random() * 300)}`
      const lastWindow = random() < 0.3
      return {
        endpoint: ['/a', '/b', '/c'][Math.floor(random() * 3)] as string,
        session,
        at: t0 + (lastWindow ? 5 * window : Math.floor(random() * 5 * window)) + Math.floor(random() * window),
        sticky: lastWindow ? Math.floor(random() * 2) : Number(session.slice(1)) % 2,
      }
    }).sort((a, b) => a.at - b.at)
  }

  it('merging two instances equals recording everything in one', () => {
    const single = new SessionRates()
    const instances = [new SessionRates(), new SessionRates()] as const
    for (const { endpoint, session, at, sticky } of traffic(11)) {
      single.record(endpoint, session, at)
      instances[sticky as 0 | 1].record(endpoint, session, at)
    }
    const merged = new SessionRates()
    // Through JSON, as a fleet would ship them.
    for (const instance of instances) merged.merge(JSON.parse(JSON.stringify(instance.snapshot())))
    expect(canonical(merged.snapshot())).toEqual(canonical(single.snapshot()))
    for (const endpoint of single.endpoints()) {
      expect(merged.peaks(endpoint).sort()).toEqual(single.peaks(endpoint).sort())
    }
  })

  it('keeps the larger peak and the later window when instances disagree', () => {
    const a = new SessionRates()
    const b = new SessionRates()
    for (let i = 0; i < 9; i++) a.record('/a', 's', t0)
    for (let i = 0; i < 4; i++) b.record('/a', 's', t0 + window)
    a.merge(b.snapshot())
    expect(a.snapshot().endpoints).toEqual([['/a', [['s', (t0 + window) / window, 4, 9]]]])
  })

  it('under-counts, never over-counts, an earlier window split across instances', () => {
    const a = new SessionRates()
    const b = new SessionRates()
    for (let i = 0; i < 6; i++) (i % 2 ? a : b).record('/a', 's', t0) // 3 + 3 in the first window
    a.record('/a', 's', t0 + window)
    b.record('/a', 's', t0 + window)
    a.merge(b.snapshot())
    expect(a.peaks('/a')).toEqual([3]) // the truth is 6, which O(1) memory per session cannot know
  })

  it('rejects a snapshot of another window length or shape', () => {
    const rates = new SessionRates()
    expect(() => rates.merge(new SessionRates({ windowMs: minute }).snapshot())).toThrow(RangeError)
    expect(() => rates.merge({ version: 2 } as unknown as SessionRatesSnapshot)).toThrow(TypeError)
    const bad = { version: 1, windowMs: window, dropped: 0, endpoints: [['/a', [['s', 0, -1, 1]]]] }
    expect(() => rates.merge(bad as unknown as SessionRatesSnapshot)).toThrow(TypeError)
  })

  it("feeds recommendLimit: a scraper's windows stay out of the threshold", () => {
    const rates = new SessionRates()
    const random = seededRandom(21)
    for (let s = 0; s < 200; s++) {
      const perWindow = 5 + Math.floor(random() * 20)
      for (let w = 0; w < 3; w++) for (let i = 0; i < perWindow; i++) rates.record('/a', `n${s}`, t0 + w * window + i)
    }
    for (let i = 0; i < 3_000; i++) rates.record('/a', 'scraper', t0 + i * 100)
    const result = recommendLimit(rates.peaks('/a'))
    expect(result?.outliers).toBe(1)
    expect(result?.threshold).toBeGreaterThanOrEqual(24)
    expect(result?.threshold).toBeLessThan(result?.smallestOutlier as number)
  })
})

describe('SessionRates caps', () => {
  it('stays bounded under a million sessions and counts what it dropped', () => {
    const rates = new SessionRates()
    for (let i = 0; i < 1_000_000; i++) rates.record('/login', `session-${i}`, t0)
    expect(rates.peaks('/login')).toHaveLength(10_000)
    expect(rates.dropped()).toBe(990_000)
    // Known sessions keep counting once the cap is full.
    rates.record('/login', 'session-0', t0)
    expect(Math.max(...rates.peaks('/login'))).toBe(2)
    expect(rates.dropped()).toBe(990_000)
  })

  it('caps endpoints', () => {
    const rates = new SessionRates({ maxEndpoints: 3, maxSessionsPerEndpoint: 2 })
    for (let e = 0; e < 5; e++) for (let s = 0; s < 4; s++) rates.record(`/e${e}`, `s${s}`, t0)
    expect(rates.endpoints()).toEqual(['/e0', '/e1', '/e2'])
    expect(rates.dropped()).toBe(3 * 2 + 2 * 4)
  })

  it('honours the caps when merging and carries the dropped count', () => {
    const full = new SessionRates({ maxSessionsPerEndpoint: 2 })
    full.record('/a', 's1', t0)
    full.record('/a', 's2', t0)
    const other = new SessionRates()
    for (const s of ['s1', 's3', 's4']) for (let i = 0; i < 3; i++) other.record('/a', s, t0)
    full.merge({ ...other.snapshot(), dropped: 5 })
    expect(full.peaks('/a').sort()).toEqual([1, 4])
    expect(full.dropped()).toBe(5 + 3 + 3)
  })
})
