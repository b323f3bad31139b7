import { parseArgs } from 'node:util'

/** Every benchmark server listens on loopback only. */
export const benchHost = '127.0.0.1'

/** How a benchmark server was asked to start. */
export interface StartupOptions {
  /** The port to listen on; 0 lets the OS pick one, which the server then announces. */
  readonly port: number
  /** Whether Portcullis sits in front of the app. */
  readonly gateway: boolean
}

/** Reads `--gateway` from the arguments and the port from `PORT` (default 0). */
export function startupOptions(args = process.argv.slice(2), env = process.env): StartupOptions {
  const { values } = parseArgs({ args, options: { gateway: { type: 'boolean', default: false } } })
  return { port: Number(env.PORT ?? 0), gateway: values.gateway }
}

/**
 * Prints one JSON line once the server listens. The runner reads the port from it, and the pid
 * to sample the server's CPU time (it is this process, not a wrapper around it).
 */
export function announce(port: number, options: StartupOptions): void {
  console.log(JSON.stringify({ url: `http://${benchHost}:${port}`, port, pid: process.pid, gateway: options.gateway }))
}
