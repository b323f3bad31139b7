import { canonicalizeTarget, DiscoveryBook, type DiscoveryBookOptions, type TrafficSample } from '@portcullis/core'
import { headerSession } from './session-hash'
import type { SkippedRecord, TrafficRecord } from './traffic-record'

/** How to learn from a traffic file. */
export interface LearnOptions {
  /** The window session peaks are counted over. */
  readonly windowMs: number
  /** The request header whose value tells sessions apart; without it no session is counted. */
  readonly sessionHeader?: string | undefined
}

/** What was learned, and the requests whose target a gateway would have refused. */
export interface LearnedTraffic {
  readonly book: DiscoveryBook
  /** Requests learned from. */
  readonly requests: number
  readonly refused: SkippedRecord[]
}

const OVERFLOW = '(overflow)'

function sampleOf(record: TrafficRecord, sessionHeader: string | undefined): TrafficSample | string {
  let target = record.url
  if (!target.startsWith('/')) {
    try {
      const url = new URL(target)
      target = `${url.pathname}${url.search}`
    } catch {
      return 'not a URL or a path'
    }
  }
  // The path as the gateway sees it (decoded, dot segments resolved), or not at all.
  const canonical = canonicalizeTarget(target)
  if (!canonical.ok) return `a gateway refuses its target (${canonical.rejection.code})`
  return {
    method: record.method,
    path: canonical.target.path,
    query: new URLSearchParams(canonical.target.query),
    status: record.status,
    durationMs: record.durationMs,
    at: record.at,
    session: sessionHeader === undefined ? undefined : headerSession(record.headers.get(sessionHeader.toLowerCase())),
    body: record.body,
    contentType: record.contentType,
  }
}

/**
 * Feeds a traffic file's requests to a {@link DiscoveryBook}, oldest first. Two passes: a live book
 * files a request under the template known when it came, so requests before a position collapsed
 * (`/hotels/h1` before `h2`…`h11` made it `{var1}`) would keep endpoints of their own. Offline, the
 * whole file is learned first, and each request then recorded under its final template.
 */
export function learnTraffic(records: readonly TrafficRecord[], options: LearnOptions): LearnedTraffic {
  const bookOptions: DiscoveryBookOptions = {
    maxEndpoints: 1000,
    maxPaths: 10_000,
    windowMs: options.windowMs,
    sequences: false,
  }
  const refused: SkippedRecord[] = []
  const samples: TrafficSample[] = []
  // Array sort is stable: requests logged in the same millisecond keep the file's order.
  const sorted = [...records].sort((a, b) => a.at - b.at)
  for (const record of sorted) {
    const sample = sampleOf(record, options.sessionHeader)
    if (typeof sample === 'string') refused.push({ where: record.where, reason: sample })
    else samples.push(sample)
  }
  const learner = new DiscoveryBook(bookOptions)
  const bare = (sample: TrafficSample): TrafficSample => ({ ...sample, session: undefined, body: undefined })
  for (const sample of samples) learner.record(bare(sample))
  const book = new DiscoveryBook(bookOptions)
  for (const sample of samples) {
    // All positions that collapse have collapsed by now: this only reads the final template.
    const template = learner.record(bare(sample)).endpoint.slice(sample.method.length + 1)
    book.record(template === OVERFLOW ? sample : { ...sample, knownTemplate: template })
  }
  return { book, requests: samples.length, refused }
}
