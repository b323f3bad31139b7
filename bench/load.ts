/**
 * One load-generator run, as its own process so the runner can pin it to a CPU of its own:
 * `node --import tsx load.ts '<LoadRequest as JSON>'` prints one `LoadResult` JSON line.
 */
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { machineBusySeconds, ownCpuSeconds, processCpuSeconds } from './lib/cpu-time'
import type { LoadRequest, LoadResult } from './lib/load-protocol'
import { percentileOfSorted } from './lib/stats'

/** With a tokens file: rewrites each request to carry the next token, never one sent before. */
function tokenRequests(request: LoadRequest): Pick<autocannon.Options, 'requests'> {
  if (request.tokensFile === undefined) return {}
  const tokens = readFileSync(request.tokensFile, 'utf8').split('\n')
  let next = 0
  return {
    requests: [
      {
        setupRequest: (req) => {
          const token = tokens[next++ % tokens.length]
          return { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } }
        },
      },
    ],
  }
}

// The warm-up and the measured window take tokens from one sequence: no token is sent twice.
let tokenSource: Pick<autocannon.Options, 'requests'> | undefined

/** One autocannon run; `onResponse` gets each response's time in ms. */
function cannon(request: LoadRequest, seconds: number, onResponse?: (ms: number) => void): Promise<autocannon.Result> {
  tokenSource ??= tokenRequests(request)
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        method: request.method,
        headers: { ...request.headers },
        body: request.body,
        ...tokenSource,
        connections: request.connections,
        pipelining: 1,
        duration: seconds,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
    // autocannon's own latency histogram counts whole milliseconds, too coarse for servers answering
    // in 1–3 ms; each response event carries its time from process.hrtime instead.
    if (onResponse !== undefined) instance.on('response', (_client, _status, _bytes, ms) => onResponse(ms))
  })
}

async function measure(request: LoadRequest): Promise<LoadResult> {
  if (request.warmupSeconds > 0) await cannon(request, request.warmupSeconds)
  const latencies: number[] = []
  const upstreamCpu = () => (request.upstreamPid === undefined ? 0 : processCpuSeconds(request.upstreamPid))
  const serverBefore = processCpuSeconds(request.serverPid)
  const upstreamBefore = upstreamCpu()
  const ownBefore = ownCpuSeconds()
  const machineBefore = machineBusySeconds()
  const result = await cannon(request, request.durationSeconds, (ms) => latencies.push(ms))
  const serverCpuSeconds = processCpuSeconds(request.serverPid) - serverBefore
  const upstreamCpuSeconds = upstreamCpu() - upstreamBefore
  const loadCpuSeconds = ownCpuSeconds() - ownBefore
  const machineSeconds = machineBusySeconds() - machineBefore
  const sorted = Float64Array.from(latencies).sort()
  return {
    requests: result.requests.total,
    durationSeconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: percentileOfSorted(sorted, 50),
    p99Ms: percentileOfSorted(sorted, 99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    serverCpuSeconds,
    upstreamCpuSeconds,
    loadCpuSeconds,
    otherCpuSeconds: Math.max(0, machineSeconds - serverCpuSeconds - upstreamCpuSeconds - loadCpuSeconds),
  }
}

const request = JSON.parse(process.argv[2] ?? '') as LoadRequest
console.log(JSON.stringify(await measure(request)))
