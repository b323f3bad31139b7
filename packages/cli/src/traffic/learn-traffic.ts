import { canonicalizeTarget, DiscoveryBook, type DiscoveryBookOptions, type TrafficSample } from '@portcullis/core'
import type { ProgressBar } from '../output/progress-bar'
import { headerSession } from './session-hash'
import type { SkippedRecord, TrafficRecord } from './traffic-record'

/** How to learn from a traffic file. */
export interface LearnOptions {
  /** The window session peaks are counted over. */
  readonly windowMs: number
  /** The request header whose value tells sessions apart; without it no session is counted. */
  readonly sessionHeader?: string | undefined
  /** Told how many requests are learned so far, of all the records (each pass counts half of one). */
  readonly progress?: ProgressBar | undefined
}

/** What was learned, and the requests whose target a gateway would have refused. */
export interface LearnedTraffic {
  readonly book: DiscoveryBook
  /** Requests learned from. */
  readonly requests: number
  readonly refused: SkippedRecord[]
  /** Each learned record's endpoint template, e.g. `/hotels/{var1}` (none when the book overflowed). */
  readonly templates: ReadonlyMap<TrafficRecord, string>
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
  const samples: [TrafficRecord, TrafficSample][] = []
  // Array sort is stable: requests logged in the same millisecond keep the file's order.
  const sorted = [...records].sort((a, b) => a.at - b.at)
  for (const record of sorted) {
    const sample = sampleOf(record, options.sessionHeader)
    if (typeof sample === 'string') refused.push({ where: record.where, reason: sample })
    else samples.push([record, sample])
  }
  const { progress } = options
  // Refused records count as done from the start: the passes below only see the others.
  const done = (passed: number) => progress?.update(refused.length + passed / 2)
  const learner = new DiscoveryBook(bookOptions)
  const bare = (sample: TrafficSample): TrafficSample => ({ ...sample, session: undefined, body: undefined })
  samples.forEach(([, sample], index) => {
    learner.record(bare(sample))
    done(index + 1)
  })
  const book = new DiscoveryBook(bookOptions)
  const templates = new Map<TrafficRecord, string>()
  samples.forEach(([record, sample], index) => {
    // All positions that collapse have collapsed by now: this only reads the final template.
    const template = learner.record(bare(sample)).endpoint.slice(sample.method.length + 1)
    if (template === OVERFLOW) book.record(sample)
    else {
      book.record({ ...sample, knownTemplate: template })
      templates.set(record, template)
    }
    done(samples.length + index + 1)
  })
  return { book, requests: samples.length, refused, templates }
}
