import { readFile } from 'node:fs/promises'
import { BAD_INPUT, CliFailure } from '../cli-failure'
import { harRecords, isHar } from './har-records'
import { isObject } from './is-object'
import { ndjsonRecords } from './ndjson-records'
import type { TrafficRecords } from './traffic-record'

const readProblems: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    throw new CliFailure(`Cannot read ${file}: ${readProblems[code] ?? (code || 'unreadable')}.`, BAD_INPUT)
  }
}

function parsed(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) }
  } catch (error) {
    return { error: (error as Error).message }
  }
}

/**
 * Reads a traffic file, telling HAR (one JSON document with `log.entries`) from NDJSON access logs
 * (a JSON object a line) by its content. Throws a {@link CliFailure} when the file cannot be read,
 * or is neither.
 */
export async function readTraffic(file: string): Promise<TrafficRecords> {
  const text = (await readText(file)).replace(/^\uFEFF/, '').trim()
  if (text === '') throw new CliFailure(`${file} is empty.`, BAD_INPUT)
  const whole = parsed(text)
  if ('value' in whole && isHar(whole.value)) return harRecords(whole.value)
  // One JSON value that is not a log line (an array, a HAR without entries) is not NDJSON either.
  if ('value' in whole && (!isObject(whole.value) || 'log' in whole.value)) {
    throw new CliFailure(`${file} is JSON but not a HAR file: it has no log.entries.`, BAD_INPUT)
  }
  const lines = ndjsonRecords(text)
  if (lines.records.length === 0 && lines.skipped.every(({ reason }) => reason === 'not JSON')) {
    const why = 'error' in whole && /^\{\s*"log"\s*:/.test(text) ? ` (as HAR: ${whole.error})` : ''
    throw new CliFailure(`${file} is neither a HAR file nor NDJSON access logs${why}.`, BAD_INPUT)
  }
  return lines
}
