/** A quota period. `week` starts on Monday (ISO 8601). `billing` starts each month on `anchorDay` (1–31), clamped to the month's last day (anchor 31 → Feb 28/29, Apr 30). */
export type QuotaPeriod =
  | { readonly kind: 'day' }
  | { readonly kind: 'week' }
  | { readonly kind: 'month' }
  | { readonly kind: 'billing'; readonly anchorDay: number }

/** One period: [start, end) in ms since the epoch, and a stable label for store keys, e.g. '2026-02-01' (the local start date). */
export interface PeriodWindow {
  readonly start: number
  readonly end: number
  readonly label: string
}

const DAY = 86_400_000

// Building a DateTimeFormat costs far more than using one, and periods are computed per request.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23', // with `hour12: false` Node 20 renders midnight as 24
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, format)
  }
  return format
}

// Wall-clock time in the zone at instant `t`, encoded as if the zone were UTC, so that plain UTC date
// arithmetic works on local dates and `wallClock(t) - t` is the zone's offset at `t`.
function wallClock(t: number, timeZone: string): number {
  if (timeZone === 'UTC') return t // the default zone needs no Intl round trip
  const field: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {}
  for (const part of formatter(timeZone).formatToParts(t)) field[part.type] = part.value
  const ms = ((t % 1000) + 1000) % 1000 // the format has no milliseconds; keep them so the offset is exact
  const { year, month, day, hour, minute, second } = field
  return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) + ms
}

const isoDate = (wall: number) => new Date(wall).toISOString().slice(0, 10)

const offsetAt = (t: number, timeZone: string) => wallClock(t, timeZone) - t

// The first instant of the local day that begins at wall-clock `midnight`.
function instantOf(midnight: number, timeZone: string): number {
  // Guess with the offset in force a day earlier, so a midnight that occurs twice (clocks set back
  // from 01:00 to 00:00) resolves to its first occurrence.
  const guess = midnight - offsetAt(midnight - DAY, timeZone)
  const offset = offsetAt(guess, timeZone)
  if (midnight - offset === guess) return guess
  const corrected = offsetAt(midnight - offset, timeZone)
  if (corrected === offset) return midnight - offset
  // Midnight was skipped (clocks jumped forward at 00:00): the day starts at the jump, which is
  // midnight read with the earlier, smaller offset.
  return midnight - Math.min(offset, corrected)
}

// Wall-clock midnight of the month's `anchorDay`, clamped to its last day; `month` may overflow (−1, 12).
function anchorIn(year: number, month: number, anchorDay: number): number {
  const first = Date.UTC(year, month, 1)
  const length = (Date.UTC(year, month + 1, 1) - first) / DAY
  return first + (Math.min(anchorDay, length) - 1) * DAY
}

// The period's [from, to) as wall-clock midnights: calendar arithmetic is exact there, DST comes later.
function localBounds(period: QuotaPeriod, today: number): [from: number, to: number] {
  const date = new Date(today)
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth()
  switch (period.kind) {
    case 'day':
      return [today, today + DAY]
    case 'week': {
      const sinceMonday = (((today / DAY + 3) % 7) + 7) % 7 // 1970-01-01 was a Thursday
      return [today - sinceMonday * DAY, today + (7 - sinceMonday) * DAY]
    }
    case 'month':
      return [Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1)]
    case 'billing': {
      const { anchorDay } = period
      if (!Number.isInteger(anchorDay) || anchorDay < 1 || anchorDay > 31)
        throw new RangeError(`billing anchorDay must be an integer from 1 to 31, got ${anchorDay}`)
      const startMonth = today >= anchorIn(year, month, anchorDay) ? month : month - 1
      return [anchorIn(year, startMonth, anchorDay), anchorIn(year, startMonth + 1, anchorDay)]
    }
    default:
      throw new RangeError(`unknown quota period kind ${(period as { kind: unknown }).kind}`)
  }
}

// Consecutive requests almost always fall in the same window, and computing one takes five Intl calls
// (~20 µs) outside UTC, so the last window per zone and period is reused while it still contains `now`.
const lastWindows = new Map<string, PeriodWindow>()

/** The period that contains `now` (ms since the epoch), with period boundaries at local midnight in `timeZone`. */
export function periodAt(period: QuotaPeriod, now: number, timeZone = 'UTC'): PeriodWindow {
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite timestamp, got ${now}`)
  const key = period.kind === 'billing' ? `${timeZone} billing ${period.anchorDay}` : `${timeZone} ${period.kind}`
  const last = lastWindows.get(key)
  if (last !== undefined && now >= last.start && now < last.end) return last
  const wall = wallClock(now, timeZone)
  const [from, to] = localBounds(period, wall - (((wall % DAY) + DAY) % DAY))
  const result = { start: instantOf(from, timeZone), end: instantOf(to, timeZone), label: isoDate(from) }
  lastWindows.set(key, result)
  return result
}

/** Whether the runtime knows an IANA time zone name (e.g. 'Europe/Berlin'); for config checks. */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name) // a valid zone's formatter is needed later anyway
    return true
  } catch {
    return false
  }
}
