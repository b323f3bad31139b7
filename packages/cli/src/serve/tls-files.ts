import { readFileSync } from 'node:fs'
import type { ServerOptions } from 'node:https'
import { createSecureContext, type SecureContextOptions } from 'node:tls'
import { BAD_INPUT, CliFailure } from '../cli-failure'

/** Whether the server asks clients for a certificate, and whether it refuses those without a valid one. */
export type ClientCertMode = 'none' | 'request' | 'require'

/** The client-certificate modes, as `--client-certs` takes them. */
export const clientCertModes: readonly ClientCertMode[] = ['none', 'request', 'require']

/** Where the server's certificate, its key and the clients' CA are read from. */
export interface TlsFiles {
  readonly cert: string
  readonly key: string
  /** The CA client certificates are checked against; needed unless `clientCerts` is `none`. */
  readonly ca?: string | undefined
  readonly clientCerts: ClientCertMode
}

function readPem(option: string, file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'a folder, not a file' : 'cannot be read'
    throw new CliFailure(`${option} ${file}: ${reason}.`, BAD_INPUT)
  }
}

/**
 * Reads the TLS files and checks they work together (PEM that parses, a key that matches the
 * certificate), so that a bad file is refused here and never on a client's handshake.
 * Throws a {@link CliFailure} (exit code 1) naming the file.
 */
export function readTlsFiles(files: TlsFiles): SecureContextOptions {
  const context: SecureContextOptions = {
    cert: readPem('--tls-cert', files.cert),
    key: readPem('--tls-key', files.key),
    ...(files.ca === undefined ? {} : { ca: readPem('--tls-ca', files.ca) }),
  }
  try {
    createSecureContext(context)
  } catch (error) {
    const names = `--tls-cert ${files.cert}, --tls-key ${files.key}${files.ca === undefined ? '' : `, --tls-ca ${files.ca}`}`
    throw new CliFailure(`${names}: cannot be used: ${(error as Error).message}.`, BAD_INPUT)
  }
  return context
}

/** The `https.createServer` options: the files' contents, and how client certificates are asked for. */
export function httpsServerOptions(files: TlsFiles, context: SecureContextOptions): ServerOptions {
  // `request` asks and lets every client in: the config's `auth.mtls` decides per route, from
  // what the socket says (`authorized`). `require` refuses a client without a valid certificate
  // during the handshake, before any request is read.
  return {
    ...context,
    requestCert: files.clientCerts !== 'none',
    rejectUnauthorized: files.clientCerts === 'require',
  }
}
