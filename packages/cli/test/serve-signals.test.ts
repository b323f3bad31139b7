import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawHttp } from '../../testing/src/raw-http'
import { startUpstream, type UpstreamServer } from '../../testing/src/upstream-server'
import { startGatewayServer } from '../src/serve/gateway-server'
import { takeSignals } from '../src/serve/serve-signals'
import { tempFolder, waitUntil } from './serve-fixtures'

// The signal handlers, in process: `process.emit` runs them as a delivered signal would, with the
// signal's name (this worker has no handlers of its own for these signals). serve-cli.test.ts
// sends real ones.

let upstream: UpstreamServer
beforeAll(async () => {
  upstream = await startUpstream('svc')
})
afterAll(() => upstream.close())

const listeners = () => ['SIGTERM', 'SIGINT', 'SIGHUP'].map((signal) => process.listenerCount(signal))

describe('the signals of portcullis serve', () => {
  it('acts on a SIGHUP that came during start-up once the server runs, and gives the signals back', async () => {
    const before = listeners()
    const files = tempFolder('serve-signals')
    const configFile = files.write('gw.yaml', `routes:\n  - { match: "/a/**", upstream: "${upstream.url}" }\n`)
    const lines: string[] = []
    const signals = takeSignals()
    // SIGHUP is taken at once (Node's default would end the process); the stop signals are not yet.
    expect(listeners()).toEqual([before[0], before[1], (before[2] as number) + 1])
    process.emit('SIGHUP', 'SIGHUP')
    const server = await startGatewayServer({
      configFile,
      host: '127.0.0.1',
      port: 0,
      drainTimeoutMs: 5000,
      log: (line) => lines.push(line),
    })
    expect((await rawHttp(server.url, { target: '/b/x' })).status).toBe(404)
    files.write('gw.yaml', `routes:\n  - { match: "/b/**", upstream: "${upstream.url}" }\n`)
    const served = signals.serve(server)
    await waitUntil('the reload', () => lines.some((line) => line.startsWith('portcullis: reloaded')))
    expect((await rawHttp(server.url, { target: '/b/x' })).status).toBe(200)

    process.emit('SIGTERM', 'SIGTERM')
    process.emit('SIGINT', 'SIGINT')
    expect(await served).toBe(true)
    expect(lines).toContain('portcullis: SIGTERM: shutting down, no new connections; no request in flight')
    expect(lines.at(-1)).toBe('portcullis: stopped, telemetry flushed')
    expect(listeners()).toEqual(before)
  })

  it('gives SIGHUP back when the server could not start', () => {
    const before = listeners()
    const signals = takeSignals()
    signals.release()
    expect(listeners()).toEqual(before)
  })
})
