import { parseDuration, recommendedRule } from '@portcullis/core'
import { CliFailure, reportFailures, USAGE } from '../cli-failure'
import type { CliIo } from '../cli-io'
import { alignedTable } from '../output/aligned-table'
import { progressFor, progressOptions, progressUsage } from '../output/progress-bar'
import { type RateLimitRule, rulesYaml } from '../output/rules-yaml'
import { fileArgument, formatOption, headerOption, numberOption, parseOptions } from '../parse-options'
import { loadTraffic } from '../traffic/load-traffic'
import { type EndpointLimit, endpointLimits } from './endpoint-limits'

/** How `portcullis recommend` is used. */
export const recommendUsage = `Usage:
  portcullis recommend FILE --session-header NAME [--window 10m] [--min-sessions 50]
                            [--headroom 1.5] [--format table|json|yaml] [--progress|--no-progress]
      Recommends a rate limit per endpoint from recorded traffic (a HAR file or NDJSON access
      logs): each session's peak requests per window, scrapers set aside as outliers, the
      normal sessions' p99 times the headroom. Sessions are told apart by the header NAME
      (hashed as the gateway does; requests without it are not counted).
      --window         the window peaks are counted over (default 10m)
      --min-sessions   normal sessions an endpoint needs for a recommendation (default 50)
      --headroom       multiplier over the p99, at least 1 (default 1.5)
      --format table   the statistics per endpoint, aligned (default)
      --format json    the same as JSON, with the rules
      --format yaml    the rateLimits rules, in report mode, to paste into portcullis.yaml
${progressUsage(17)}`

const formats = ['table', 'json', 'yaml'] as const

function table(limits: readonly EndpointLimit[], window: string, header: string, minSessions: number): string[] {
  const rows = limits.map((l) => [
    `${l.method} ${l.template}`,
    ...[l.sessions, l.p50, l.p90, l.p99, l.max, l.outliers].map(String),
    l.limit === null ? '-' : String(l.limit),
    l.confidence === null ? '-' : l.confidence.toFixed(2),
  ])
  const heading = ['ENDPOINT', 'SESSIONS', 'P50', 'P90', 'P99', 'MAX', 'OUTLIERS', 'LIMIT', 'CONFIDENCE']
  return [
    `Peak requests per session (${header}) per ${window} window; outliers are left out of p50 to max.`,
    ...alignedTable([heading, ...rows], [false, true, true, true, true, true, true, true, true]),
    ...(limits.some((l) => l.limit === null)
      ? [`-: fewer than ${minSessions} normal sessions, too few to recommend a limit (--min-sessions).`]
      : []),
  ]
}

/** `portcullis recommend FILE --session-header NAME`: rate limits learned from recorded traffic. */
export async function recommendCommand(args: readonly string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    const { values, positionals } = parseOptions(args, {
      'session-header': { type: 'string' },
      window: { type: 'string', default: '10m' },
      'min-sessions': { type: 'string' },
      headroom: { type: 'string' },
      format: { type: 'string' },
      ...progressOptions,
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help === true) {
      io.error(recommendUsage)
      return 0
    }
    const format = formatOption(values.format, formats)
    const header = headerOption(values['session-header'])
    if (header === undefined) {
      throw new CliFailure(
        'portcullis recommend needs --session-header NAME: the header that tells sessions apart.',
        USAGE,
      )
    }
    const windowMs = parseDuration(values.window)
    if (windowMs === undefined || windowMs <= 0) {
      throw new CliFailure(`--window must be a duration such as 30s, 10m or 1h, got "${values.window}".`, USAGE)
    }
    const minSessions = numberOption('min-sessions', values['min-sessions'], 50, 1, true)
    const headroom = numberOption('headroom', values.headroom, 1.5, 1, false)
    const startProgress = progressFor(io, values)
    const file = fileArgument(positionals, 'recommend')
    const { book } = await loadTraffic(file, { windowMs, sessionHeader: header }, io, startProgress)
    const limits = endpointLimits(book, minSessions, headroom)
    if (limits.length === 0) io.error(`No request in ${file} carries the ${header} header: no sessions to learn from.`)
    const rules = uniqueNames(
      limits.flatMap((l) => (l.limit === null ? [] : [recommendedRule(l, l.limit, values.window, [{ header }])])),
    )
    if (format !== 'table' && limits.length > 0 && rules.length === 0) {
      io.error(`No endpoint has ${minSessions} normal sessions: no limit to recommend (see --min-sessions).`)
    }
    if (format === 'yaml') {
      io.out(`# Learned from ${file}: peak requests per ${header} per ${values.window} window.`)
      io.out('# Report mode: watch what they would refuse on real traffic before setting mode: enforce.')
      for (const line of rulesYaml(rules)) io.out(line)
    } else if (format === 'json') {
      const settings = { sessionHeader: header, window: values.window, minSessions, headroom }
      io.out(JSON.stringify({ ...settings, endpoints: limits, rateLimits: rules }, null, 2))
    } else {
      for (const line of table(limits, values.window, header, minSessions)) io.out(line)
    }
    return 0
  })
}

/** Rule names made unique (`/a/{x}` and `/a/x` name alike): the gateway refuses a name used twice. */
function uniqueNames(rules: RateLimitRule[]): RateLimitRule[] {
  const seen = new Set<string>()
  return rules.map((rule) => {
    let name = rule.name ?? 'recommended'
    for (let n = 2; seen.has(name); n++) name = `${(rule.name ?? 'recommended').slice(0, 60)}-${n}`
    seen.add(name)
    return { ...rule, name }
  })
}
