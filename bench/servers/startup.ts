import { parseArgs } from 'node:util'
import type { GatewayProfile, StoreKind } from './gateway-configs'

/** Every benchmark server listens on loopback only. */
export const benchHost = '127.0.0.1'

/** How a benchmark server was asked to start. */
export interface StartupOptions {
  /** The port to listen on; 0 lets the OS pick one, which the server then announces. */
  readonly port: number
  /** Whether Portcullis sits in front of the app. */
  readonly gateway: boolean
  /** Which gateway config: the foundation alone, or every section (`--full`). */
  readonly profile: GatewayProfile
  /** Where the full config keeps its counters (`--store redis`). */
  readonly store: StoreKind
}

/** Reads `--gateway [--full] [--store memory|redis]` from the arguments and the port from `PORT` (default 0). */
export function startupOptions(args = process.argv.slice(2), env = process.env): StartupOptions {
  const { values } = parseArgs({
    args,
    options: {
      gateway: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      store: { type: 'string', default: 'memory' },
    },
  })
  if (values.store !== 'memory' && values.store !== 'redis') throw new Error(`--store ${values.store}: memory or redis`)
  return {
    port: Number(env.PORT ?? 0),
    gateway: values.gateway,
    profile: values.full ? 'full' : 'minimal',
    store: values.store,
  }
}

/**
 * Prints one JSON line once the server listens. The runner reads the port from it, and the pid
 * to sample the server's CPU time (it is this process, not a wrapper around it).
 */
export function announce(port: number, options: StartupOptions): void {
  console.log(JSON.stringify({ url: `http://${benchHost}:${port}`, port, pid: process.pid, gateway: options.gateway }))
}
