import { stringify } from 'yaml'
import { reportFailures } from '../cli-failure'
import type { CliIo } from '../cli-io'
import { progressFor, progressOptions, progressUsage } from '../output/progress-bar'
import { fileArgument, formatOption, headerOption, parseOptions } from '../parse-options'
import { loadTraffic } from '../traffic/load-traffic'

/** How `portcullis discover` is used. */
export const discoverUsage = `Usage:
  portcullis discover FILE [--format openapi|json] [--title T] [--session-header NAME]
                           [--progress|--no-progress]
      Learns the API in recorded traffic: FILE is a HAR file (browser devtools, a proxy) or
      NDJSON access logs (a JSON object a line with method, path or url, status, time, and
      optionally duration_ms and headers; the gateway's own access log too). Path templates
      are inferred (/hotels/{var1}/dates), query parameters and JSON bodies by type: names and
      types are kept, never values.
      --format openapi   an OpenAPI 3.1 document, as YAML (default)
      --format json      the endpoints with their counts, statuses and latency, as JSON
      --title T          the document's info.title
      --session-header   count distinct sessions by this header (hashed, never printed)
${progressUsage(19)}`

const formats = ['openapi', 'json'] as const

/** `portcullis discover FILE`: the endpoints in a HAR file or NDJSON access logs, as OpenAPI or JSON. */
export async function discoverCommand(args: readonly string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    const { values, positionals } = parseOptions(args, {
      format: { type: 'string' },
      title: { type: 'string' },
      'session-header': { type: 'string' },
      ...progressOptions,
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help === true) {
      io.error(discoverUsage)
      return 0
    }
    const format = formatOption(values.format, formats)
    const startProgress = progressFor(io, values)
    const file = fileArgument(positionals, 'discover')
    // Discovery needs no window here, but the book counts session peaks in one all the same.
    const {
      book,
      requests,
      format: input,
    } = await loadTraffic(
      file,
      { windowMs: 600_000, sessionHeader: headerOption(values['session-header']) },
      io,
      startProgress,
    )
    const endpoints = book.endpoints()
    io.error(`Learned ${endpoints.length} endpoints from ${requests} requests (${input}).`)
    if (format === 'openapi') {
      io.out(stringify(book.openapi({ title: values.title }), { lineWidth: 0 }).trimEnd())
      return 0
    }
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())
    const list = endpoints.map(({ method, template, stats }) => ({
      method,
      template,
      requests: stats.requests,
      statuses: stats.statuses(),
      sessions: stats.sessions,
      latency: stats.latency(),
      firstSeen: iso(stats.firstSeen),
      lastSeen: iso(stats.lastSeen),
    }))
    io.out(JSON.stringify(list, null, 2))
    return 0
  })
}
