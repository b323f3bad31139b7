import type { Server } from 'node:net'
import { BAD_INPUT, CliFailure } from '../cli-failure'

const reasons: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'this machine has no such address',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'the host name cannot be resolved now',
}

/** `host:port` as a URL writes it: IPv6 addresses in brackets. */
export const hostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)

/**
 * Starts listening; resolves with the port (the real one when 0 was asked for). A failure to
 * listen is a {@link CliFailure} (exit code 1) saying why.
 */
export function listenServer(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      const reason = reasons[error.code ?? ''] ?? error.message
      reject(new CliFailure(`portcullis serve: cannot listen on ${hostPort(host, port)}: ${reason}.`, BAD_INPUT))
    }
    const onListening = () => {
      server.off('error', onError)
      const address = server.address()
      resolve(typeof address === 'object' && address !== null ? address.port : port)
    }
    server.once('error', onError).once('listening', onListening)
    server.listen(port, host)
  })
}
