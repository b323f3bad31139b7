import { basename } from 'node:path'
import { BAD_INPUT, CliFailure } from '../cli-failure'
import type { CliIo } from '../cli-io'
import type { StartProgress } from '../output/progress-bar'
import { type LearnedTraffic, type LearnOptions, learnTraffic } from './learn-traffic'
import { readTraffic } from './read-traffic'

/** What a command learned from its traffic file. */
export interface LoadedTraffic extends LearnedTraffic {
  readonly format: 'HAR' | 'NDJSON'
}

/**
 * Reads a traffic file and learns from it, with a progress bar; says on stderr what was skipped
 * (malformed lines, entries without a response, targets a gateway refuses). Throws a `CliFailure`
 * when nothing is left.
 */
export async function loadTraffic(
  file: string,
  options: Omit<LearnOptions, 'progress'>,
  io: Pick<CliIo, 'error'>,
  startProgress: StartProgress,
): Promise<LoadedTraffic> {
  const traffic = await readTraffic(file)
  const progress = startProgress(`Learning from ${basename(file)}`, traffic.records.length)
  const learned = learnTraffic(traffic.records, { ...options, progress })
  progress.end()
  const skipped = [...traffic.skipped, ...learned.refused]
  const unit = traffic.format === 'HAR' ? 'entries' : 'lines'
  const examples = skipped
    .slice(0, 3)
    .map(({ where, reason }) => `${where}: ${reason}`)
    .join('; ')
  if (learned.requests === 0) {
    const detail = examples === '' ? '' : ` (${examples})`
    throw new CliFailure(`No usable requests in ${file}: ${traffic.total} ${unit}, none usable${detail}.`, BAD_INPUT)
  }
  if (skipped.length > 0) {
    const more = skipped.length > 3 ? `; ${skipped.length - 3} more` : ''
    io.error(`Skipped ${skipped.length} of ${traffic.total} ${unit} in ${file}: ${examples}${more}.`)
  }
  return { ...learned, format: traffic.format }
}
