import { describe, expect, it } from 'vitest'
import { isTimeZone, periodAt, type QuotaPeriod } from '../src/stages/limits/quota-period'

// Every expectation below is worked out by hand from the calendar and the zone's rules,
// written as [start, end, label] with start/end as ISO instants.
const day: QuotaPeriod = { kind: 'day' }
const week: QuotaPeriod = { kind: 'week' }
const month: QuotaPeriod = { kind: 'month' }
const billing = (anchorDay: number): QuotaPeriod => ({ kind: 'billing', anchorDay })

const iso = (t: number) => new Date(t).toISOString()
function windowOf(period: QuotaPeriod, now: string, timeZone?: string): [string, string, string] {
  const { start, end, label } = periodAt(period, Date.parse(now), timeZone)
  return [iso(start), iso(end), label]
}

describe('periodAt in UTC (the default)', () => {
  it('finds the day, including its first and last millisecond', () => {
    const feb11 = ['2026-02-11T00:00:00.000Z', '2026-02-12T00:00:00.000Z', '2026-02-11']
    expect(windowOf(day, '2026-02-11T15:30:00.000Z')).toEqual(feb11)
    expect(windowOf(day, '2026-02-11T00:00:00.000Z')).toEqual(feb11)
    expect(windowOf(day, '2026-02-11T23:59:59.999Z')).toEqual(feb11)
    expect(windowOf(day, '2026-02-11T15:30:00.000Z', 'UTC')).toEqual(feb11)
  })

  it('starts weeks on Monday', () => {
    // 2026-02-11 is a Wednesday; Monday 9th to Monday 16th.
    const week7 = ['2026-02-09T00:00:00.000Z', '2026-02-16T00:00:00.000Z', '2026-02-09']
    expect(windowOf(week, '2026-02-11T15:30:00.000Z')).toEqual(week7)
    expect(windowOf(week, '2026-02-09T00:00:00.000Z')).toEqual(week7)
    expect(windowOf(week, '2026-02-15T23:59:59.999Z')).toEqual(week7) // Sunday ends the week
    expect(windowOf(week, '2026-02-16T00:00:00.000Z')).toEqual([
      '2026-02-16T00:00:00.000Z',
      '2026-02-23T00:00:00.000Z',
      '2026-02-16',
    ])
  })

  it('finds the month', () => {
    expect(windowOf(month, '2026-02-11T15:30:00.000Z')).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-02-01',
    ])
  })

  it('handles Feb 29 in a leap year and Feb 28 → Mar 1 in a common one', () => {
    expect(windowOf(day, '2028-02-29T12:00:00.000Z')).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2028-03-01T00:00:00.000Z',
      '2028-02-29',
    ])
    expect(windowOf(month, '2028-02-29T12:00:00.000Z')).toEqual([
      '2028-02-01T00:00:00.000Z',
      '2028-03-01T00:00:00.000Z',
      '2028-02-01',
    ])
    // 2028-02-29 is a Tuesday.
    expect(windowOf(week, '2028-02-29T12:00:00.000Z')).toEqual([
      '2028-02-28T00:00:00.000Z',
      '2028-03-06T00:00:00.000Z',
      '2028-02-28',
    ])
    expect(windowOf(day, '2026-02-28T12:00:00.000Z')).toEqual([
      '2026-02-28T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-02-28',
    ])
  })

  it('crosses the year boundary', () => {
    const lastMs = '2026-12-31T23:59:59.999Z'
    const firstMs = '2027-01-01T00:00:00.000Z'
    expect(windowOf(day, lastMs)).toEqual(['2026-12-31T00:00:00.000Z', firstMs, '2026-12-31'])
    expect(windowOf(day, firstMs)).toEqual([firstMs, '2027-01-02T00:00:00.000Z', '2027-01-01'])
    expect(windowOf(month, lastMs)).toEqual(['2026-12-01T00:00:00.000Z', firstMs, '2026-12-01'])
    expect(windowOf(month, firstMs)).toEqual([firstMs, '2027-02-01T00:00:00.000Z', '2027-01-01'])
    // Thursday 2026-12-31 and Friday 2027-01-01 share the week of Monday 2026-12-28.
    const yearEndWeek = ['2026-12-28T00:00:00.000Z', '2027-01-04T00:00:00.000Z', '2026-12-28']
    expect(windowOf(week, lastMs)).toEqual(yearEndWeek)
    expect(windowOf(week, firstMs)).toEqual(yearEndWeek)
  })
})

describe('periodAt in other zones', () => {
  it('uses local midnight in America/New_York', () => {
    // 03:30Z on 2026-03-15 is 23:30 EDT (UTC−4) on the 14th.
    expect(windowOf(day, '2026-03-15T03:30:00.000Z', 'America/New_York')).toEqual([
      '2026-03-14T04:00:00.000Z',
      '2026-03-15T04:00:00.000Z',
      '2026-03-14',
    ])
    // 03:00Z on Feb 1 is 22:00 EST (UTC−5) on Jan 31.
    expect(windowOf(month, '2026-02-01T03:00:00.000Z', 'America/New_York')).toEqual([
      '2026-01-01T05:00:00.000Z',
      '2026-02-01T05:00:00.000Z',
      '2026-01-01',
    ])
  })

  it('has 23- and 25-hour days at the America/New_York DST changes', () => {
    expect(windowOf(day, '2026-03-08T12:00:00.000Z', 'America/New_York')).toEqual([
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
      '2026-03-08',
    ])
    expect(windowOf(day, '2026-11-01T12:00:00.000Z', 'America/New_York')).toEqual([
      '2026-11-01T04:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
      '2026-11-01',
    ])
  })

  it('puts an instant that is Dec 31 in UTC into Jan 1 in Asia/Tokyo', () => {
    const tokyo = 'Asia/Tokyo' // UTC+9, no DST
    const newYear = '2026-12-31T15:00:00.000Z' // 2027-01-01 00:00 JST
    expect(windowOf(day, newYear, tokyo)).toEqual([newYear, '2027-01-01T15:00:00.000Z', '2027-01-01'])
    expect(windowOf(month, newYear, tokyo)).toEqual([newYear, '2027-01-31T15:00:00.000Z', '2027-01-01'])
    expect(windowOf(week, newYear, tokyo)).toEqual([
      '2026-12-27T15:00:00.000Z',
      '2027-01-03T15:00:00.000Z',
      '2026-12-28',
    ])
    expect(windowOf(day, '2026-12-31T14:59:59.999Z', tokyo)).toEqual([
      '2026-12-30T15:00:00.000Z',
      newYear,
      '2026-12-31',
    ])
  })

  it('has a 23-hour and a 25-hour day in Europe/Berlin', () => {
    // 2026-03-29: 00:00 is CET (UTC+1); clocks go 02:00 → 03:00; the next midnight is CEST (UTC+2).
    expect(windowOf(day, '2026-03-29T12:00:00.000Z', 'Europe/Berlin')).toEqual([
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
      '2026-03-29',
    ])
    // 2026-10-25: 00:00 is CEST; clocks go 03:00 → 02:00; the next midnight is CET.
    expect(windowOf(day, '2026-10-25T12:00:00.000Z', 'Europe/Berlin')).toEqual([
      '2026-10-24T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
      '2026-10-25',
    ])
    expect(windowOf(week, '2026-03-29T12:00:00.000Z', 'Europe/Berlin')).toEqual([
      '2026-03-22T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
      '2026-03-23',
    ])
    expect(windowOf(month, '2026-03-15T12:00:00.000Z', 'Europe/Berlin')).toEqual([
      '2026-02-28T23:00:00.000Z',
      '2026-03-31T22:00:00.000Z',
      '2026-03-01',
    ])
  })

  it('handles the 30-minute DST of Australia/Lord_Howe', () => {
    // UTC+10:30 standard, +11 in summer; the change is at 02:00 local.
    expect(windowOf(day, '2026-10-04T06:00:00.000Z', 'Australia/Lord_Howe')).toEqual([
      '2026-10-03T13:30:00.000Z',
      '2026-10-04T13:00:00.000Z',
      '2026-10-04',
    ])
    expect(windowOf(day, '2026-04-05T06:00:00.000Z', 'Australia/Lord_Howe')).toEqual([
      '2026-04-04T13:00:00.000Z',
      '2026-04-05T13:30:00.000Z',
      '2026-04-05',
    ])
  })

  it('starts a day whose midnight is skipped at the jump (Santiago, Havana, Cairo, Beirut)', () => {
    // Chile: 2026-09-06 04:00Z, 00:00 UTC−4 becomes 01:00 UTC−3.
    expect(windowOf(day, '2026-09-06T12:00:00.000Z', 'America/Santiago')).toEqual([
      '2026-09-06T04:00:00.000Z',
      '2026-09-07T03:00:00.000Z',
      '2026-09-06',
    ])
    expect(windowOf(day, '2026-09-06T03:59:59.999Z', 'America/Santiago')).toEqual([
      '2026-09-05T04:00:00.000Z',
      '2026-09-06T04:00:00.000Z',
      '2026-09-05',
    ])
    // Cuba: 2026-03-08 05:00Z, 00:00 UTC−5 becomes 01:00 UTC−4.
    expect(windowOf(day, '2026-03-08T12:00:00.000Z', 'America/Havana')).toEqual([
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
      '2026-03-08',
    ])
    // Egypt, east of UTC: 2026-04-23 22:00Z, 00:00 UTC+2 becomes 01:00 UTC+3.
    expect(windowOf(day, '2026-04-24T12:00:00.000Z', 'Africa/Cairo')).toEqual([
      '2026-04-23T22:00:00.000Z',
      '2026-04-24T21:00:00.000Z',
      '2026-04-24',
    ])
    // Lebanon: 2026-03-28 22:00Z, 00:00 UTC+2 becomes 01:00 UTC+3.
    expect(windowOf(day, '2026-03-29T12:00:00.000Z', 'Asia/Beirut')).toEqual([
      '2026-03-28T22:00:00.000Z',
      '2026-03-29T21:00:00.000Z',
      '2026-03-29',
    ])
  })

  it('starts a day whose midnight happens twice at the first one (America/Havana, Asia/Amman)', () => {
    // Cuba: 2026-11-01 05:00Z, 01:00 UTC−4 goes back to 00:00 UTC−5, so 00:00–01:00 repeats.
    const nov1 = ['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', '2026-11-01']
    expect(windowOf(day, '2026-11-01T04:30:00.000Z', 'America/Havana')).toEqual(nov1)
    expect(windowOf(day, '2026-11-01T05:30:00.000Z', 'America/Havana')).toEqual(nov1)
    expect(windowOf(day, '2026-11-01T03:59:59.999Z', 'America/Havana')).toEqual([
      '2026-10-31T04:00:00.000Z',
      '2026-11-01T04:00:00.000Z',
      '2026-10-31',
    ])
    // Jordan, east of UTC: 2021-10-28 22:00Z, 01:00 UTC+3 went back to 00:00 UTC+2.
    const oct29 = ['2021-10-28T21:00:00.000Z', '2021-10-29T22:00:00.000Z', '2021-10-29']
    expect(windowOf(day, '2021-10-28T21:30:00.000Z', 'Asia/Amman')).toEqual(oct29)
    expect(windowOf(day, '2021-10-28T22:30:00.000Z', 'Asia/Amman')).toEqual(oct29)
    expect(windowOf(day, '2021-10-28T20:59:59.999Z', 'Asia/Amman')).toEqual([
      '2021-10-27T21:00:00.000Z',
      '2021-10-28T21:00:00.000Z',
      '2021-10-28',
    ])
  })

  it('ends a day before a repeated 23:00 hour at the one midnight (America/Santiago)', () => {
    // Chile: 2026-04-05 03:00Z, 00:00 UTC−3 goes back to 23:00 UTC−4 on Saturday the 4th.
    const apr4 = ['2026-04-04T03:00:00.000Z', '2026-04-05T04:00:00.000Z', '2026-04-04']
    expect(windowOf(day, '2026-04-05T03:30:00.000Z', 'America/Santiago')).toEqual(apr4) // 23:30, the second time
    expect(windowOf(day, '2026-04-05T04:00:00.000Z', 'America/Santiago')).toEqual([
      '2026-04-05T04:00:00.000Z',
      '2026-04-06T04:00:00.000Z',
      '2026-04-05',
    ])
  })
})

describe('billing periods', () => {
  it('starts on the anchor day, or on the previous month’s before it', () => {
    expect(windowOf(billing(15), '2026-02-10T12:00:00.000Z')).toEqual([
      '2026-01-15T00:00:00.000Z',
      '2026-02-15T00:00:00.000Z',
      '2026-01-15',
    ])
    expect(windowOf(billing(15), '2026-02-15T00:00:00.000Z')).toEqual([
      '2026-02-15T00:00:00.000Z',
      '2026-03-15T00:00:00.000Z',
      '2026-02-15',
    ])
    expect(windowOf(billing(15), '2026-03-14T23:59:59.999Z')).toEqual([
      '2026-02-15T00:00:00.000Z',
      '2026-03-15T00:00:00.000Z',
      '2026-02-15',
    ])
    expect(windowOf(billing(15), '2026-01-03T12:00:00.000Z')).toEqual([
      '2025-12-15T00:00:00.000Z',
      '2026-01-15T00:00:00.000Z',
      '2025-12-15',
    ])
    expect(windowOf(billing(1), '2026-02-11T12:00:00.000Z')).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-02-01',
    ])
  })

  it.each([
    ['2026-01-30T12:00:00.000Z', '2025-12-31', '2026-01-31'],
    ['2026-01-31T00:00:00.000Z', '2026-01-31', '2026-02-28'],
    ['2026-02-27T23:59:59.999Z', '2026-01-31', '2026-02-28'],
    ['2026-02-28T00:00:00.000Z', '2026-02-28', '2026-03-31'],
    ['2026-03-30T12:00:00.000Z', '2026-02-28', '2026-03-31'],
    ['2026-03-31T00:00:00.000Z', '2026-03-31', '2026-04-30'],
    ['2026-04-15T12:00:00.000Z', '2026-03-31', '2026-04-30'],
    ['2026-04-30T12:00:00.000Z', '2026-04-30', '2026-05-31'],
    ['2028-02-28T12:00:00.000Z', '2028-01-31', '2028-02-29'],
    ['2028-02-29T00:00:00.000Z', '2028-02-29', '2028-03-31'],
  ])('clamps anchor 31 to short months: %s is in [%s, %s)', (now, from, to) => {
    expect(windowOf(billing(31), now)).toEqual([`${from}T00:00:00.000Z`, `${to}T00:00:00.000Z`, from])
  })

  it('clamps an anchor of 29 in a common year', () => {
    expect(windowOf(billing(29), '2026-03-01T12:00:00.000Z')).toEqual([
      '2026-02-28T00:00:00.000Z',
      '2026-03-29T00:00:00.000Z',
      '2026-02-28',
    ])
  })

  it('uses local dates in the zone', () => {
    // 2026-02-14 15:00Z is 2026-02-15 00:00 in Tokyo.
    expect(windowOf(billing(15), '2026-02-14T15:00:00.000Z', 'Asia/Tokyo')).toEqual([
      '2026-02-14T15:00:00.000Z',
      '2026-03-14T15:00:00.000Z',
      '2026-02-15',
    ])
    // Berlin: Feb 28 is in CET (UTC+1), Mar 31 in CEST (UTC+2).
    expect(windowOf(billing(31), '2026-03-15T12:00:00.000Z', 'Europe/Berlin')).toEqual([
      '2026-02-27T23:00:00.000Z',
      '2026-03-30T22:00:00.000Z',
      '2026-02-28',
    ])
  })

  it.each([0, 32, 1.5, Number.NaN])('rejects anchorDay %s', (anchorDay) => {
    expect(() => periodAt(billing(anchorDay), Date.parse('2026-02-11T00:00:00.000Z'))).toThrow(RangeError)
  })
})

describe('reusing the last window', () => {
  it('keeps zones and periods apart and recomputes outside the window', () => {
    const now = '2026-12-31T16:00:00.000Z' // 2027-01-01 01:00 in Tokyo
    const utcDay = ['2026-12-31T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2026-12-31']
    const tokyoDay = ['2026-12-31T15:00:00.000Z', '2027-01-01T15:00:00.000Z', '2027-01-01']
    const utcBilling31 = ['2026-12-31T00:00:00.000Z', '2027-01-31T00:00:00.000Z', '2026-12-31']
    const utcBilling15 = ['2026-12-15T00:00:00.000Z', '2027-01-15T00:00:00.000Z', '2026-12-15']
    expect(windowOf(day, now)).toEqual(utcDay)
    expect(windowOf(day, now, 'Asia/Tokyo')).toEqual(tokyoDay)
    expect(windowOf(billing(31), now)).toEqual(utcBilling31)
    expect(windowOf(billing(15), now)).toEqual(utcBilling15)
    expect(windowOf(day, now)).toEqual(utcDay)
    expect(windowOf(billing(31), now)).toEqual(utcBilling31)
    expect(windowOf(day, '2026-12-30T23:59:59.999Z')).toEqual([
      '2026-12-30T00:00:00.000Z',
      '2026-12-31T00:00:00.000Z',
      '2026-12-30',
    ])
    expect(windowOf(day, now)).toEqual(utcDay)
  })
})

describe('bad input', () => {
  it('rejects a timestamp that is not finite', () => {
    expect(() => periodAt(day, Number.NaN)).toThrow(RangeError)
    expect(() => periodAt(day, Number.POSITIVE_INFINITY, 'Europe/Berlin')).toThrow(RangeError)
  })

  it('rejects an unknown time zone', () => {
    expect(() => periodAt(day, Date.parse('2026-02-11T00:00:00.000Z'), 'Mars/Olympus')).toThrow(RangeError)
  })
})

describe('isTimeZone', () => {
  it('knows IANA names and rejects others', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true)
    expect(isTimeZone('UTC')).toBe(true)
    expect(isTimeZone('Mars/Olympus')).toBe(false)
    expect(isTimeZone('')).toBe(false)
  })
})
