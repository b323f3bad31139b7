import { basename } from 'node:path'
import { ConfigError, createEngine, type Engine, type GatewayConfig } from '@portcullis/core'
import { loadConfigFile } from '@portcullis/core/config-file'
import { BAD_INPUT, CliFailure, reportFailures, USAGE } from '../cli-failure'
import type { CliIo } from '../cli-io'
import { progressFor, progressOptions, progressUsage } from '../output/progress-bar'
import { fileArgument, formatOption, parseOptions } from '../parse-options'
import { networkNeeds, offlineConfig } from '../replay/offline-config'
import { OfflineUpstreams } from '../replay/offline-upstreams'
import { RecordedClock } from '../replay/recorded-clock'
import { reportJson, reportText } from '../replay/replay-report'
import { defaultClientAddress } from '../replay/replay-request'
import { replayTraffic } from '../replay/replay-traffic'
import { learnTraffic } from '../traffic/learn-traffic'
import { readTraffic } from '../traffic/read-traffic'
import type { SkippedRecord } from '../traffic/traffic-record'

/** How `portcullis replay` is used. */
export const replayUsage = `Usage:
  portcullis replay FILE --config portcullis.yaml [--format text|json] [--fail-on-block]
                         [--progress|--no-progress]
      Runs recorded traffic (a HAR file or NDJSON access logs) through a gateway config offline
      and reports what it would have refused, and why: per rule, per endpoint and per consumer.
      Offline: nothing touches the network (routes answer with the recorded status), counters
      start empty in a memory store whatever the config names, no telemetry is sent, and time is
      each request's recorded time, so rate limits and quotas see the recorded pacing. Requests
      come from the recorded client address when the log has one, else from ${defaultClientAddress}.
      --config FILE      the gateway config (YAML or JSON) to try; required
      --format text      totals and tables, aligned (default)
      --format json      the same as one JSON document
      --fail-on-block    exit code 1 when any request is blocked or would be blocked
${progressUsage(19)}`

const formats = ['text', 'json'] as const

/** The config file read and made to run offline; a {@link CliFailure} when it cannot be. */
function loadOfflineConfig(file: string, clock: RecordedClock) {
  let config: GatewayConfig
  try {
    config = loadConfigFile(file)
  } catch (error) {
    if (error instanceof ConfigError) throw new CliFailure(error.message, BAD_INPUT)
    throw error
  }
  const needs = networkNeeds(config)
  if (needs.length > 0) {
    const list = needs.map((need) => `\n  - ${need}`).join('')
    throw new CliFailure(`portcullis replay runs offline, and ${file} needs the network:${list}`, BAD_INPUT)
  }
  return offlineConfig(config, clock, file)
}

/** The failure of a traffic file with nothing to replay, with the first reasons. */
function noUsableRequests(file: string, format: 'HAR' | 'NDJSON', total: number, skipped: readonly SkippedRecord[]) {
  const unit = format === 'HAR' ? 'entries' : 'lines'
  const examples = skipped.slice(0, 3).map(({ where, reason }) => `${where}: ${reason}`)
  return new CliFailure(
    `No usable requests in ${file}: ${total} ${unit}, none usable (${examples.join('; ')}).`,
    BAD_INPUT,
  )
}

/** The engine of the offline config, ready (its OpenAPI document loaded); a {@link CliFailure} when it cannot start. */
async function startEngine(config: GatewayConfig, file: string, upstreams: OfflineUpstreams): Promise<Engine> {
  let engine: Engine | undefined
  try {
    engine = createEngine(config, { source: file, upstreamTransport: upstreams.transport })
    await engine.ready()
    return engine
  } catch (error) {
    await engine?.close()
    if (error instanceof ConfigError) throw new CliFailure(error.message, BAD_INPUT)
    throw error
  }
}

/** `portcullis replay FILE --config C`: what a proposed config would have refused of recorded traffic, offline. */
export async function replayCommand(args: readonly string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    const { values, positionals } = parseOptions(args, {
      config: { type: 'string' },
      format: { type: 'string' },
      'fail-on-block': { type: 'boolean' },
      ...progressOptions,
      help: { type: 'boolean', short: 'h' },
    })
    if (values.help === true) {
      io.error(replayUsage)
      return 0
    }
    const format = formatOption(values.format, formats)
    const startProgress = progressFor(io, values)
    const file = fileArgument(positionals, 'replay')
    const configFile = values.config
    if (configFile === undefined) {
      throw new CliFailure(
        'portcullis replay needs --config FILE: the gateway config to replay the traffic through.',
        USAGE,
      )
    }
    const clock = new RecordedClock()
    const { config, notes } = loadOfflineConfig(configFile, clock)
    const traffic = await readTraffic(file)
    if (traffic.records.length === 0) throw noUsableRequests(file, traffic.format, traffic.total, traffic.skipped)
    // The engine starts at the first recorded time: what it sets up then is in the recording's time.
    clock.at = traffic.records.reduce((first, record) => Math.min(first, record.at), Number.POSITIVE_INFINITY)
    const upstreams = new OfflineUpstreams()
    const engine = await startEngine(config, configFile, upstreams)
    let replayed: Awaited<ReturnType<typeof replayTraffic>>
    try {
      const name = basename(file)
      const learning = startProgress(`Learning endpoints of ${name}`, traffic.records.length)
      // Only the templates are wanted here; the window is discovery's and does not change them.
      const { templates } = learnTraffic(traffic.records, { windowMs: 600_000, progress: learning })
      learning.end()
      const progress = startProgress(`Replaying ${name}`, traffic.records.length)
      replayed = await replayTraffic(engine, traffic.records, { clock, upstreams, templates, progress })
      progress.end()
    } finally {
      await engine.close()
    }
    // In the file's order: `entry 2` before `entry 10`.
    const skipped = [...traffic.skipped, ...replayed.skipped].sort((a, b) =>
      a.where.localeCompare(b.where, 'en', { numeric: true }),
    )
    if (replayed.summary.totals.requests === 0) throw noUsableRequests(file, traffic.format, traffic.total, skipped)
    const report = {
      traffic: file,
      format: traffic.format,
      config: configFile,
      read: traffic.total,
      notes,
      summary: replayed.summary,
      skipped,
    }
    if (format === 'json') io.out(reportJson(report))
    else for (const line of reportText(report)) io.out(line)
    const { blocked, wouldBlock } = replayed.summary.totals
    return values['fail-on-block'] === true && blocked + wouldBlock > 0 ? 1 : 0
  })
}
