import { parseDuration } from '@portcullis/core'
import { CliFailure, reportFailures, USAGE } from '../cli-failure'
import type { CliIo } from '../cli-io'
import { parseOptions } from '../parse-options'
import { type GatewayServer, startGatewayServer } from '../serve/gateway-server'
import { takeSignals } from '../serve/serve-signals'
import { type ClientCertMode, clientCertModes, type TlsFiles } from '../serve/tls-files'

/** How `portcullis serve` is used. */
export const serveUsage = `Usage:
  portcullis serve --config FILE [--port 8080] [--host 127.0.0.1] [--drain-timeout 10s]
                   [--tls-cert FILE --tls-key FILE [--tls-ca FILE --client-certs request|require]]
      Runs the gateway on its own, in front of the upstreams the config's routes name; a request
      no route answers gets 404 route.not_found. Prints "portcullis: listening on URL" once it is.
      --config         the gateway config (YAML or JSON), checked as check-config checks it
      --port           the port to listen on; 0 picks a free one (default 8080)
      --host           the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
      --tls-cert       serve HTTPS with this certificate (PEM, its chain after it)
      --tls-key        the certificate's private key (PEM)
      --tls-ca         the CA (PEM) client certificates are checked against
      --client-certs   none (default): not asked for; request: asked for, the config's auth.mtls
                       decides per route; require: a client without a valid one is refused
                       during the TLS handshake
      --drain-timeout  how long a shutdown waits for requests in flight (default 10s)
  Signals: SIGTERM or SIGINT stops accepting, lets the requests in flight finish, flushes the
  telemetry and exits 0 (a second signal cuts what is left). SIGHUP reloads the config and the TLS
  files; when they are invalid, the problems are printed and the old ones keep serving.`

const options = {
  config: { type: 'string' },
  port: { type: 'string', default: '8080' },
  host: { type: 'string', default: '127.0.0.1' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  'client-certs': { type: 'string', default: 'none' },
  'drain-timeout': { type: 'string', default: '10s' },
  help: { type: 'boolean', short: 'h' },
} as const

type Values = ReturnType<typeof parseOptions<typeof options>>['values']

function portOption(value: string): number {
  const port = Number(value)
  if (/^\d+$/.test(value) && port <= 65_535) return port
  throw new CliFailure(`--port must be a port number from 0 to 65535, got "${value}".`, USAGE)
}

function tlsOption(values: Values): TlsFiles | undefined {
  const { 'tls-cert': cert, 'tls-key': key, 'tls-ca': ca } = values
  const clientCerts = values['client-certs'] as ClientCertMode
  if (!clientCertModes.includes(clientCerts)) {
    throw new CliFailure(`--client-certs must be one of ${clientCertModes.join(', ')}, got "${clientCerts}".`, USAGE)
  }
  if (cert === undefined && key === undefined) {
    if (ca !== undefined || clientCerts !== 'none')
      throw new CliFailure('--tls-ca and --client-certs need HTTPS: give --tls-cert and --tls-key too.', USAGE)
    return undefined
  }
  if (cert === undefined || key === undefined)
    throw new CliFailure('HTTPS needs both --tls-cert FILE and --tls-key FILE.', USAGE)
  if (clientCerts !== 'none' && ca === undefined)
    throw new CliFailure(
      `--client-certs ${clientCerts} needs --tls-ca FILE: the CA client certificates are checked against.`,
      USAGE,
    )
  if (clientCerts === 'none' && ca !== undefined)
    throw new CliFailure('--tls-ca is only used with --client-certs request or require.', USAGE)
  return { cert, key, ca, clientCerts }
}

/** The options checked, or a usage failure followed by the usage text. */
function checkedOptions(args: readonly string[]) {
  try {
    const { values, positionals } = parseOptions(args, options)
    if (values.help === true || positionals[0] === 'help') return 'help' as const
    if (positionals.length > 0)
      throw new CliFailure(
        `portcullis serve takes no argument "${positionals[0]}": give the config as --config FILE.`,
        USAGE,
      )
    if (values.config === undefined)
      throw new CliFailure('portcullis serve needs --config FILE: the gateway config (YAML or JSON).', USAGE)
    if (values.host.trim() === '') throw new CliFailure('--host must not be empty.', USAGE)
    const drainTimeoutMs = parseDuration(values['drain-timeout'])
    if (drainTimeoutMs === undefined)
      throw new CliFailure(
        `--drain-timeout must be a duration such as 500ms, 10s or 1m, got "${values['drain-timeout']}".`,
        USAGE,
      )
    const port = portOption(values.port)
    return { configFile: values.config, host: values.host, port, drainTimeoutMs, tls: tlsOption(values) }
  } catch (error) {
    if (error instanceof CliFailure) throw new CliFailure(`${error.message}\n\n${serveUsage}`, USAGE)
    throw error
  }
}

/** `portcullis serve --config FILE`: the standalone gateway, until a signal stops it. */
export async function serveCommand(args: readonly string[], io: CliIo): Promise<number> {
  return reportFailures(io, async () => {
    const checked = checkedOptions(args)
    if (checked === 'help') {
      io.error(serveUsage)
      return 0
    }
    // Taken before the (possibly slow) start-up: a SIGHUP meanwhile must not kill the process.
    const signals = takeSignals()
    let server: GatewayServer
    try {
      server = await startGatewayServer({ ...checked, log: (line) => io.error(line) })
    } catch (error) {
      signals.release()
      throw error
    }
    io.out(`portcullis: listening on ${server.url}`)
    return (await signals.serve(server)) ? 0 : 1
  })
}
