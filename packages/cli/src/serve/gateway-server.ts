import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import { ConfigError } from '@portcullis/core'
import type { NodeGateway } from '@portcullis/node'
import { BAD_INPUT, CliFailure } from '../cli-failure'
import { GatewayGeneration } from './gateway-generation'
import { hostPort, listenServer } from './listen-server'
import { loadGateway } from './load-gateway'
import { httpsServerOptions, readTlsFiles, type TlsFiles } from './tls-files'

/** What {@link startGatewayServer} serves, and where it reports what it does. */
export interface GatewayServerOptions {
  /** The config file (YAML or JSON), read again on every reload. */
  readonly configFile: string
  readonly host: string
  /** The port; 0 picks a free one. */
  readonly port: number
  /** HTTPS with these files (read again on every reload); plain HTTP without. */
  readonly tls?: TlsFiles | undefined
  /** How long a shutdown waits for the requests in flight before it cuts them. */
  readonly drainTimeoutMs: number
  /** Reports what the server does, a line at a time (the command's stderr). */
  log(line: string): void
}

/** A running standalone gateway: what the signal handlers of `portcullis serve` call. */
export interface GatewayServer {
  /** `http(s)://host:port`, with the real port. */
  readonly url: string
  readonly port: number
  /**
   * Reads the config file (and the TLS files) again. Resolves `true` when the new ones answer new
   * requests, `false` when the old ones keep serving (the problems are logged). Never rejects;
   * reloads run one after the other.
   */
  reload(): Promise<boolean>
  /**
   * Stops accepting connections, lets the requests in flight finish (up to the drain timeout, or
   * not at all with `now`), closes the gateways (flushing their telemetry). Resolves `true` when
   * everything closed cleanly. Calling it again returns the same promise; with `now`, it also
   * cuts what is still in flight.
   */
  shutdown(options?: { reason?: string; now?: boolean }): Promise<boolean>
}

const requests = (count: number) => (count === 1 ? '1 request' : `${count} requests`)
const duration = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`)
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * Starts the standalone gateway on node:http (or node:https): the config's routes answer, and a
 * request no route answers gets 404 `route.not_found`. Throws a {@link CliFailure} (exit code 1)
 * when the config, a TLS file or the address cannot be used; nothing is left open then.
 */
export async function startGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const { configFile, tls, log, drainTimeoutMs } = options
  const tlsContext = tls === undefined ? undefined : readTlsFiles(tls)
  let first: NodeGateway
  try {
    first = await loadGateway(configFile)
  } catch (error) {
    throw error instanceof ConfigError ? new CliFailure(error.message, BAD_INPUT) : error
  }

  let stopping = false
  const generations = new Set<GatewayGeneration>()
  const sockets = new Set<Socket>()
  const begin = (gw: NodeGateway) => {
    // While draining, a keep-alive connection is closed as soon as its last response is done.
    const generation = new GatewayGeneration(gw, () => stopping && server.closeIdleConnections())
    generations.add(generation)
    return generation
  }
  let current = begin(first)
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    // A request that arrives on a kept-alive connection during the drain is answered, and its
    // connection then closed, so the client opens its next one elsewhere.
    if (stopping) res.setHeader('connection', 'close')
    current.handle(req, res)
  }
  const server =
    tls === undefined || tlsContext === undefined
      ? http.createServer(listener)
      : https.createServer(httpsServerOptions(tls, tlsContext), listener)
  // Every TCP connection, TLS handshakes in progress included: none may hold the shutdown open.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  let port: number
  try {
    port = await listenServer(server, options.host, options.port)
  } catch (error) {
    await first.close().catch(() => {})
    throw error
  }
  server.on('error', (error) => log(`portcullis: server error: ${error.message}`))

  const inFlight = () => [...generations].reduce((sum, generation) => sum + generation.inFlight, 0)
  const allIdle = () => Promise.all([...generations].map((generation) => generation.idle()))
  const retire = (generation: GatewayGeneration) =>
    generation.retire().then(
      () => {
        generations.delete(generation)
        return true
      },
      (error: unknown) => {
        generations.delete(generation)
        log(`portcullis: closing a gateway failed: ${messageOf(error)}`)
        return false
      },
    )

  async function reloadOnce(): Promise<boolean> {
    if (stopping) {
      log('portcullis: reload ignored: shutting down')
      return false
    }
    const problems: string[] = []
    let context: ReturnType<typeof readTlsFiles> | undefined
    let next: NodeGateway | undefined
    try {
      if (tls !== undefined) context = readTlsFiles(tls)
    } catch (error) {
      problems.push(messageOf(error))
    }
    try {
      next = await loadGateway(configFile)
    } catch (error) {
      problems.push(messageOf(error))
    }
    if (next === undefined || problems.length > 0 || stopping) {
      await next?.close().catch(() => {})
      if (stopping) log('portcullis: reload abandoned: shutting down')
      else log(`portcullis: reload failed, still serving the previous config:\n${problems.join('\n')}`)
      return false
    }
    if (context !== undefined && server instanceof https.Server) server.setSecureContext(context)
    const previous = current
    current = begin(next)
    log(
      `portcullis: reloaded ${configFile}${context === undefined ? '' : ' and the TLS files'}: new requests use it` +
        (previous.inFlight === 0
          ? ''
          : `; ${requests(previous.inFlight)} in flight ${previous.inFlight === 1 ? 'finishes' : 'finish'} on the previous config`),
    )
    void retire(previous)
    return true
  }

  let reloads: Promise<boolean> = Promise.resolve(true)
  const reload = () => {
    reloads = reloads.then(reloadOnce).catch((error: unknown) => {
      log(`portcullis: reload failed, still serving the previous config: ${messageOf(error)}`)
      return false
    })
    return reloads
  }

  let cut: (() => void) | undefined
  let shuttingDown: Promise<boolean> | undefined
  async function drainAndClose(reason: string | undefined): Promise<boolean> {
    stopping = true
    const cutRequested = new Promise<'cut'>((resolve) => {
      cut = () => resolve('cut')
    })
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const generation of generations)
      for (const res of generation.responses()) if (!res.headersSent) res.setHeader('connection', 'close')
    const waiting = inFlight()
    log(
      `portcullis: ${reason === undefined ? '' : `${reason}: `}shutting down, no new connections; ` +
        (waiting === 0
          ? 'no request in flight'
          : `waiting for ${requests(waiting)} in flight (up to ${duration(drainTimeoutMs)})`),
    )
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), drainTimeoutMs)
    })
    const outcome = await Promise.race([allIdle().then(() => 'drained' as const), deadline, cutRequested])
    clearTimeout(timer)
    if (outcome !== 'drained') {
      const left = inFlight()
      if (left > 0) {
        const why = outcome === 'timeout' ? `after ${duration(drainTimeoutMs)}` : 'on a second signal'
        log(`portcullis: cut ${requests(left)} still in flight ${why}`)
      }
    }
    // What is left are idle connections, handshakes and cut requests.
    for (const socket of sockets) socket.destroy()
    await Promise.all([allIdle(), closed])
    await reloads
    const results = await Promise.all([...generations].map(retire))
    const clean = results.every(Boolean)
    log(clean ? 'portcullis: stopped, telemetry flushed' : 'portcullis: stopped, but a gateway did not close cleanly')
    return clean
  }

  return {
    url: `${tls === undefined ? 'http' : 'https'}://${hostPort(options.host, port)}`,
    port,
    reload,
    shutdown({ reason, now } = {}) {
      shuttingDown ??= drainAndClose(reason)
      if (now === true) cut?.()
      return shuttingDown
    },
  }
}
