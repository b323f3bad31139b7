import { type CliIo, runCli } from '@portcullis/cli'
import { hashApiKey, resolveConfig } from '@portcullis/core'
import { describe, expect, it } from 'vitest'

function io(stdin = '') {
  const out: string[] = []
  const error: string[] = []
  const cliIo: CliIo = {
    out: (line) => out.push(line),
    error: (line) => error.push(line),
    readStdin: async () => stdin,
  }
  return { cliIo, out, error }
}

describe('portcullis key', () => {
  it('makes a new key and a config entry with its hash, which the gateway accepts', async () => {
    const run = io()
    expect(await runCli(['key', 'new', '--prefix', 'hotel', '--id', 'k1', '--consumer', 'acme'], run.cliIo)).toBe(0)
    const key = (run.out[0] as string).replace('key:  ', '')
    const hash = (run.out[1] as string).replace('hash: ', '')
    expect(key).toMatch(/^hotel_[0-9A-Za-z]{32}$/)
    expect(hash).toBe(await hashApiKey(key))
    expect(run.out.join('\n')).toContain(`- { id: k1, hash: "${hash}", consumer: acme }`)
    expect(() => resolveConfig({ auth: { apiKeys: { keys: [{ id: 'k1', hash, consumer: 'acme' }] } } })).not.toThrow()
  })

  it('makes different keys every time', async () => {
    const keys = new Set<string>()
    for (let i = 0; i < 50; i++) {
      const run = io()
      await runCli(['key', 'new'], run.cliIo)
      keys.add(run.out[0] as string)
    }
    expect(keys.size).toBe(50)
  })

  it('hashes a key from the argument or from stdin', async () => {
    const fromArgument = io()
    expect(await runCli(['key', 'hash', 'pk_abc'], fromArgument.cliIo)).toBe(0)
    const fromStdin = io('pk_abc\n')
    expect(await runCli(['key', 'hash'], fromStdin.cliIo)).toBe(0)
    expect(fromStdin.out).toEqual(fromArgument.out)
    // sha256("pk_abc"), computed independently.
    expect(fromArgument.out).toEqual(['sha256:0becee1d38a2a7aaff3894472d49157cd802878c92b2985e01ac8422fe8de9af'])
  })

  it('refuses bad input with exit code 2 and a usage message', async () => {
    const empty = io('')
    expect(await runCli(['key', 'hash'], empty.cliIo)).toBe(2)
    const badPrefix = io()
    expect(await runCli(['key', 'new', '--prefix', 'no spaces'], badPrefix.cliIo)).toBe(2)
    const unknown = io()
    expect(await runCli(['frobnicate'], unknown.cliIo)).toBe(2)
    expect(unknown.error.join('\n')).toContain('Commands:')
  })
})
