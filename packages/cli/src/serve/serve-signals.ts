import type { GatewayServer } from './gateway-server'

/** The process's signals, as `portcullis serve` answers them. */
export interface ServeSignals {
  /**
   * Serves until SIGTERM or SIGINT has shut the server down (a second one cuts what is still in
   * flight); SIGHUP reloads. Resolves with whether the server closed cleanly.
   */
  serve(server: GatewayServer): Promise<boolean>
  /** Gives the signals back to the process (when the server could not start). */
  release(): void
}

/**
 * Takes SIGHUP now, before a start-up that may be slow: a SIGHUP meanwhile must not kill the
 * process (Node's default), and is acted on once the server runs. SIGTERM and SIGINT keep their
 * default until then: stopping a gateway that serves nothing yet needs no drain.
 */
export function takeSignals(): ServeSignals {
  let server: GatewayServer | undefined
  let reloadPending = false
  let shutdown: Promise<boolean> | undefined
  const onReload = () => {
    if (server === undefined) reloadPending = true
    else void server.reload()
  }
  let stopped: (clean: boolean) => void = () => {}
  const onStop = (signal: NodeJS.Signals) => {
    if (server === undefined) return
    const first = shutdown === undefined
    shutdown = server.shutdown({ reason: signal, now: !first })
    if (first) void shutdown.then((clean) => stopped(clean))
  }
  process.on('SIGHUP', onReload)
  const release = () => {
    process.off('SIGHUP', onReload).off('SIGTERM', onStop).off('SIGINT', onStop)
  }

  return {
    release,
    async serve(running) {
      server = running
      const clean = new Promise<boolean>((resolve) => {
        stopped = resolve
      })
      process.on('SIGTERM', onStop).on('SIGINT', onStop)
      if (reloadPending) void running.reload()
      try {
        return await clean
      } finally {
        release()
      }
    },
  }
}
