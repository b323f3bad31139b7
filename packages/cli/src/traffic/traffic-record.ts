/** One request read from a traffic file, before discovery sees it. */
export interface TrafficRecord {
  /** Where in the file it was: `entry 12`, `line 7`. */
  readonly where: string
  readonly method: string
  /** The URL or origin-form target (`/path?query`) as logged. */
  readonly url: string
  readonly status: number
  readonly durationMs: number
  /** When the request started, in ms since the epoch. */
  readonly at: number
  /** Request headers by lower-case name; repeated ones joined with `, ` as a gateway reads them. */
  readonly headers: ReadonlyMap<string, string>
  /** The request body: parsed when JSON, the raw text otherwise; absent without one. */
  readonly body?: unknown
  /** The request body exactly as recorded (JSON that does not parse included), for replaying it. */
  readonly bodyText?: string | undefined
  readonly contentType?: string | undefined
  /** The client's address, when the log says it (HAR does not: its `serverIPAddress` is the server's). */
  readonly ip?: string | undefined
}

/** A line or entry of a traffic file that could not be used, and why. */
export interface SkippedRecord {
  /** `line 7` or `entry 12`. */
  readonly where: string
  readonly reason: string
}

/** What a traffic file held: the requests, and what was skipped. */
export interface TrafficRecords {
  readonly format: 'HAR' | 'NDJSON'
  readonly records: TrafficRecord[]
  readonly skipped: SkippedRecord[]
  /** Entries or non-blank lines read in all. */
  readonly total: number
}

/** `application/json`, `application/problem+json` and the like. */
export function isJsonContentType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase()
  return mediaType !== undefined && (mediaType === 'application/json' || mediaType.endsWith('+json'))
}

/** A body as discovery learns from it: JSON parsed (its shape is learned, never kept), other text as is. */
export function requestBody(text: string | undefined, contentType: string | undefined): unknown {
  if (text === undefined) return undefined
  if (!isJsonContentType(contentType)) return text
  try {
    return JSON.parse(text)
  } catch {
    // A body that claims JSON but is not: no shape to learn from it.
    return undefined
  }
}

/** A finite, non-negative duration in ms; anything else (a HAR `-1`, a missing field) is 0. */
export function durationOf(value: unknown): number {
  const ms = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : 0
}
