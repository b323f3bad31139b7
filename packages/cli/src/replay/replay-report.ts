import { alignedTable } from '../output/aligned-table'
import type { SkippedRecord } from '../traffic/traffic-record'
import type { ReplaySummary, VerdictCounts } from './replay-tally'

/** Everything `portcullis replay` reports. */
export interface ReplayReport {
  /** The traffic file. */
  readonly traffic: string
  readonly format: 'HAR' | 'NDJSON'
  /** The config file. */
  readonly config: string
  /** Entries or non-blank lines read in all. */
  readonly read: number
  /** What the replay changed in the config (a Redis store replaced, telemetry off). */
  readonly notes: readonly string[]
  readonly summary: ReplaySummary
  /** Records that could not be replayed, and why. */
  readonly skipped: readonly SkippedRecord[]
}

const verdictHeadings = ['REQUESTS', 'PASSED', 'BLOCKED', 'WOULD BLOCK']
const verdictCells = (counts: VerdictCounts) =>
  [counts.requests, counts.passed, counts.blocked, counts.wouldBlock].map(String)

/** A titled table, or the title and `none` without rows. */
function section(title: string, heading: string[], rows: string[][], right: boolean[]): string[] {
  if (rows.length === 0) return ['', `${title}: none.`]
  return ['', `${title}:`, ...alignedTable([heading, ...rows], right)]
}

/** The report as aligned text: totals, then the refusals per rule, endpoint and consumer, then what was skipped. */
export function reportText(report: ReplayReport): string[] {
  const { summary, skipped } = report
  const { totals } = summary
  const lines = [
    `Replayed ${totals.requests} requests from ${report.traffic} (${report.format}) through ${report.config}, offline: no network, a fresh memory store, the recorded clock.`,
    ...report.notes,
    '',
    ...alignedTable(
      [
        [...verdictHeadings, 'ROUTED'],
        [...verdictCells(totals), String(totals.routed)],
      ],
      [true, true, true, true, true],
    ),
    'Blocked: refused by an enforced rule. Would block: refused only by rules in report mode, let through.',
    'Routed: answered by a route, offline, with the recorded status.',
    ...section(
      'Refusals by rule',
      ['STAGE', 'CODE', 'RULE', 'STATUS', 'BLOCKED', 'WOULD BLOCK'],
      summary.rules.map((r) => [
        r.stage,
        r.code,
        r.rule ?? '-',
        String(r.status),
        String(r.blocked),
        String(r.wouldBlock),
      ]),
      [false, false, false, true, true, true],
    ),
    ...section(
      'By endpoint',
      ['ENDPOINT', ...verdictHeadings],
      summary.endpoints.map((e) => [`${e.method} ${e.template}`, ...verdictCells(e)]),
      [false, true, true, true, true],
    ),
    ...section(
      'By consumer',
      ['CONSUMER', ...verdictHeadings],
      summary.consumers.map((c) => [c.consumer, ...verdictCells(c)]),
      [false, true, true, true, true],
    ),
  ]
  if (skipped.length > 0) {
    const unit = report.format === 'HAR' ? 'entries' : 'lines'
    lines.push('', `Skipped ${skipped.length} of ${report.read} ${unit} (not replayed):`)
    for (const { where, reason } of skipped) lines.push(`  ${where}: ${reason}`)
  }
  return lines
}

/** The report as one JSON document, with the same data as the text. */
export function reportJson(report: ReplayReport): string {
  const { summary } = report
  const document = {
    traffic: report.traffic,
    format: report.format,
    config: report.config,
    offline: { network: false, store: 'memory', clock: 'recorded', notes: report.notes },
    totals: summary.totals,
    rules: summary.rules.map((rule) => ({ ...rule, rule: rule.rule ?? null })),
    endpoints: summary.endpoints,
    consumers: summary.consumers,
    read: report.read,
    skipped: report.skipped,
  }
  return JSON.stringify(document, null, 2)
}
