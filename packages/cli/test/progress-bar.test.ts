import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { textProgressBar } from '../src/output/progress-bar'
import { runCli } from '../src/run-cli'
import { captureIo, hotelHar } from './capture-io'
import { bookingTraffic, fixtureKeys, harOf, writeReplayConfig } from './replay-fixture'

const tmp = mkdtempSync(join(tmpdir(), 'portcullis-progress-'))
let traffic: string
let config: string

beforeAll(async () => {
  const keys = fixtureKeys()
  // Nothing listens on port 9 (discard); the replay never calls it anyway.
  config = await writeReplayConfig(tmp, keys, 'http://127.0.0.1:9')
  traffic = join(tmp, 'bookings.har')
  writeFileSync(traffic, harOf(bookingTraffic(keys)))
})

async function run(args: string[], terminal: boolean) {
  const capture = captureIo('', { terminal })
  const code = await runCli(args, capture.io)
  return { ...capture, code }
}

describe('the progress bar', () => {
  it('redraws one line in place on a terminal, ten times a second at most, and ends it', () => {
    const writes: string[] = []
    let now = 0
    const bar = textProgressBar(
      (text) => writes.push(text),
      true,
      'Replaying x.har',
      200,
      () => now,
    )
    for (let done = 1; done <= 200; done++) {
      now += 10 // 2 s in all: about 20 redraws, not 200
      bar.update(done)
    }
    bar.end()
    expect(writes[0]).toBe('\rReplaying x.har [------------------------] 0/200 0%\x1b[K')
    expect(writes.at(-2)).toBe('\rReplaying x.har [########################] 200/200 100%\x1b[K')
    expect(writes.at(-1)).toBe('\n')
    expect(writes.length).toBeGreaterThanOrEqual(20)
    expect(writes.length).toBeLessThanOrEqual(23)
    expect(writes).toContain('\rReplaying x.har [############------------] 100/200 50%\x1b[K')
  })

  it('writes plain lines elsewhere, one a second at most, and always the last state', () => {
    const writes: string[] = []
    let now = 0
    const bar = textProgressBar(
      (text) => writes.push(text),
      false,
      'Learning',
      3,
      () => now,
    )
    bar.update(1)
    now = 1000
    bar.update(2)
    bar.update(3)
    bar.end()
    expect(writes).toEqual([
      'Learning [------------------------] 0/3 0%\n',
      'Learning [################--------] 2/3 66%\n',
      'Learning [########################] 3/3 100%\n',
    ])
  })

  it('is forced with --progress where stderr is no terminal, as plain lines', async () => {
    const replay = await run(['replay', traffic, '--config', config, '--progress', '--format', 'json'], false)
    expect(replay.code).toBe(0)
    expect(replay.progress.every((text) => text.endsWith('\n') && !text.includes('\r'))).toBe(true)
    expect(replay.progress[0]).toBe('Learning endpoints of bookings.har [------------------------] 0/15 0%\n')
    expect(replay.progress.at(-1)).toBe('Replaying bookings.har [########################] 15/15 100%\n')
    // The report is untouched by it.
    expect(JSON.parse(replay.stdout())).toMatchObject({ totals: { requests: 14 } })
    expect(replay.error).toEqual([])
  })

  it('is shown on a terminal by default, and never with --no-progress or off a terminal by default', async () => {
    const shown = await run(['replay', traffic, '--config', config], true)
    expect(shown.progress[0]).toBe('\rLearning endpoints of bookings.har [------------------------] 0/15 0%\x1b[K')
    expect(shown.progress.filter((text) => text === '\n')).toHaveLength(2)
    expect(shown.progress.at(-1)).toBe('\n')
    expect((await run(['replay', traffic, '--config', config, '--no-progress'], true)).progress).toEqual([])
    expect((await run(['replay', traffic, '--config', config], false)).progress).toEqual([])
  })

  it('shows discover and recommend learning the traffic file', async () => {
    const lines = (texts: string[]) => texts.map((text) => text.trimEnd())
    const discover = await run(['discover', hotelHar, '--progress'], false)
    expect(discover.code).toBe(0)
    expect(lines(discover.progress).at(-1)).toBe(
      'Learning from hotel-traffic.har [########################] 458/458 100%',
    )
    const recommend = await run(['recommend', hotelHar, '--session-header', 'x-client-id', '--progress'], false)
    expect(recommend.code).toBe(0)
    expect(lines(recommend.progress)[0]).toBe('Learning from hotel-traffic.har [------------------------] 0/458 0%')
    expect((await run(['discover', hotelHar, '--no-progress'], true)).progress).toEqual([])
    const both = await run(['recommend', hotelHar, '--session-header', 'x', '--progress', '--no-progress'], false)
    expect(both.code).toBe(2)
    expect(both.error).toEqual(['Give --progress or --no-progress, not both.'])
  })
})
