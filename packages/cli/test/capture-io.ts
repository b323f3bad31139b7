import { fileURLToPath } from 'node:url'
import type { CliIo } from '../src/cli-io'

/** The recorded hotel-demo traffic the commands are tested on (see make-hotel-har.ts). */
export const hotelHar = fileURLToPath(new URL('../../../examples/hotel/fixtures/hotel-traffic.har', import.meta.url))

/**
 * An io that keeps what a command writes, for running commands in-process. `terminal` plays a
 * stderr that is a terminal; progress bars write to `progress`, a string a write.
 */
export function captureIo(stdin = '', options: { terminal?: boolean } = {}) {
  const out: string[] = []
  const error: string[] = []
  const progress: string[] = []
  const io: CliIo = {
    out: (line) => out.push(line),
    error: (line) => error.push(line),
    readStdin: async () => stdin,
    progress: (text) => progress.push(text),
    isTerminal: options.terminal === true,
  }
  return { io, out, error, progress, stdout: () => out.join('\n'), stderr: () => error.join('\n') }
}

interface HarEntry {
  startedDateTime: string
  request: { url: string; headers: { name: string; value: string }[] }
}

/** Each session's peak requests per epoch-aligned window to the paths `path` matches, counted from the HAR directly. */
export function harPeaks(har: { log: { entries: HarEntry[] } }, path: RegExp, windowMs: number): Map<string, number> {
  const counts = new Map<string, number>()
  for (const entry of har.log.entries) {
    const client = entry.request.headers.find((header) => header.name === 'x-client-id')?.value
    if (client === undefined || !path.test(new URL(entry.request.url).pathname)) continue
    const key = `${client} ${Math.floor(Date.parse(entry.startedDateTime) / windowMs)}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const peaks = new Map<string, number>()
  for (const [key, count] of counts) {
    const client = key.split(' ')[0] as string
    peaks.set(client, Math.max(peaks.get(client) ?? 0, count))
  }
  return peaks
}
