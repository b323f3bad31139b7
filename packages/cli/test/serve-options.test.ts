import { describe, expect, it } from 'vitest'
import { listen } from '../../testing/src/listen'
import { createTestPki } from '../../testing/src/pki'
import { runCli } from '../src/index'
import { captureIo } from './capture-io'
import { tempFolder } from './serve-fixtures'

const files = tempFolder('serve-options')
const config = files.write('good.yaml', 'routes:\n  - { match: "/a/**", upstream: "http://127.0.0.1:9" }\n')

async function serve(...args: string[]) {
  const run = captureIo()
  const code = await runCli(['serve', ...args], run.io)
  return { code, stdout: run.stdout(), stderr: run.stderr() }
}

describe('portcullis serve: wrong use and unusable input', () => {
  it('prints its usage on --help and exits 0', async () => {
    const help = await serve('--help')
    expect(help.code).toBe(0)
    expect(help.stderr).toContain('portcullis serve --config FILE')
    expect(help.stderr).toContain('SIGHUP')
  })

  it.each([
    [[], 'needs --config FILE'],
    [['--config', config, '--frobnicate'], "Unknown option '--frobnicate'"],
    [[config], 'give the config as --config FILE'],
    [['--config'], "Option '--config <value>' argument missing"],
    [['--config', config, '--port', '70000'], '--port must be a port number from 0 to 65535, got "70000"'],
    [['--config', config, '--port', '80a'], '--port must be a port number'],
    [['--config', config, '--host', ' '], '--host must not be empty'],
    [['--config', config, '--drain-timeout', '10'], '--drain-timeout must be a duration'],
    [['--config', config, '--tls-cert', 'c.pem'], 'HTTPS needs both --tls-cert FILE and --tls-key FILE'],
    [['--config', config, '--tls-key', 'k.pem'], 'HTTPS needs both'],
    [['--config', config, '--client-certs', 'require'], '--tls-ca and --client-certs need HTTPS'],
    [
      ['--config', config, '--tls-cert', 'c', '--tls-key', 'k', '--client-certs', 'maybe'],
      '--client-certs must be one of',
    ],
    [['--config', config, '--tls-cert', 'c', '--tls-key', 'k', '--client-certs', 'require'], 'needs --tls-ca FILE'],
    [['--config', config, '--tls-cert', 'c', '--tls-key', 'k', '--tls-ca', 'ca'], '--tls-ca is only used with'],
  ])('exits 2 with the usage for %j', async (args, message) => {
    const run = await serve(...args)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stderr).toContain('Usage:\n  portcullis serve')
    expect(run.stdout).toBe('')
  })

  it('exits 1 naming the file and the problem when the config cannot be used', async () => {
    const missing = await serve('--config', files.path('nope.yaml'), '--port', '0')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`${files.path('nope.yaml')}`)
    expect(missing.stderr).toContain('file not found')

    const invalid = files.write('invalid.yaml', 'routes:\n  - { match: "/a/**" }\ncache: { maxEntries: -1 }\n')
    const bad = await serve('--config', invalid, '--port', '0')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain(`Invalid Portcullis config in ${invalid}`)
    expect(bad.stderr).toContain('- cache.maxEntries')
    expect(bad.stdout).toBe('')

    // What only building the gateway finds is named after the file too.
    const unbuilt = files.write('unbuilt.yaml', 'routes:\n  - { match: "/b/**", upstream: missing-upstream }\n')
    const built = await serve('--config', unbuilt, '--port', '0')
    expect(built.code).toBe(1)
    expect(built.stderr).toContain(`Invalid Portcullis config in ${unbuilt}`)
    expect(built.stderr).toContain('- routes[0].upstream:')

    // An OpenAPI document's problems surface once the gateway gets ready.
    files.write('broken-openapi.yaml', 'openapi: 3.1.0\ninfo: { title: t }\npaths: { /x: { get: { responses: 7 } } }\n')
    const openapi = files.write('uses-broken.yaml', 'openapi: ./broken-openapi.yaml\n')
    const notReady = await serve('--config', openapi, '--port', '0')
    expect(notReady.code).toBe(1)
    expect(notReady.stderr).toContain('Invalid Portcullis config in ./broken-openapi.yaml')
    expect(notReady.stderr).toMatch(/- openapi: .*broken-openapi\.yaml #\/paths/)
  })

  it('exits 1 when a TLS file is missing, is not PEM, or the key does not match', async () => {
    const pki = await createTestPki()
    const other = await createTestPki()
    const cert = files.write('server.pem', pki.server.cert)
    const key = files.write('server-key.pem', pki.server.key)
    const otherKey = files.write('other-key.pem', other.server.key)
    const garbage = files.write('garbage.pem', 'not a certificate\n')
    const tls = (certFile: string, keyFile: string) =>
      serve('--config', config, '--port', '0', '--tls-cert', certFile, '--tls-key', keyFile)

    const missing = await tls(files.path('absent.pem'), key)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(`--tls-cert ${files.path('absent.pem')}: file not found.`)
    const folder = await tls(cert, files.folder)
    expect(folder.code).toBe(1)
    expect(folder.stderr).toBe(`--tls-key ${files.folder}: a folder, not a file.`)
    const notPem = await tls(garbage, key)
    expect(notPem.code).toBe(1)
    expect(notPem.stderr).toMatch(/^--tls-cert .*garbage\.pem, --tls-key .*: cannot be used: /)
    const mismatch = await tls(cert, otherKey)
    expect(mismatch.code).toBe(1)
    expect(mismatch.stderr).toContain('cannot be used')
    const ca = await serve(
      ...['--config', config, '--port', '0', '--tls-cert', cert, '--tls-key', key],
      ...['--tls-ca', files.path('no-ca.pem'), '--client-certs', 'request'],
    )
    expect(ca.code).toBe(1)
    expect(ca.stderr).toBe(`--tls-ca ${files.path('no-ca.pem')}: file not found.`)
  })

  it('exits 1 when it cannot listen', async () => {
    const taken = await listen((_req, res) => res.end())
    try {
      const port = new URL(taken.url).port
      const run = await serve('--config', config, '--port', port)
      expect(run.code).toBe(1)
      expect(run.stderr).toBe(`portcullis serve: cannot listen on 127.0.0.1:${port}: the port is already in use.`)
    } finally {
      await taken.close()
    }
  })
})
