import { parseArgs } from 'node:util'
import { generateApiKey, hashApiKey } from '@portcullis/core'
import type { CliIo } from '../cli-io'

const usage = `Usage:
  portcullis key new [--prefix pk] [--id NAME] [--consumer ID]
      Makes a new API key. Prints the key once (give it to the consumer) and the
      config entry with its hash (keep that; the key itself is never stored).
  portcullis key hash [KEY]
      Prints the hash of an existing key, read from stdin when not given
      (so it stays out of your shell history).`

/** `portcullis key new | hash`: API keys are stored only as hashes. */
export async function keyCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args
  if (sub === 'new') {
    const { values } = parseArgs({
      args: [...rest],
      options: { prefix: { type: 'string', default: 'pk' }, id: { type: 'string' }, consumer: { type: 'string' } },
    })
    if (!/^[A-Za-z0-9]{1,16}$/.test(values.prefix)) {
      io.error('The prefix must be 1 to 16 letters or digits.')
      return 2
    }
    const key = generateApiKey(values.prefix)
    const hash = await hashApiKey(key)
    io.out(`key:  ${key}`)
    io.out(`hash: ${hash}`)
    io.out('')
    io.out('# in portcullis.yaml, under auth.apiKeys.keys:')
    io.out(`- { id: ${values.id ?? 'new-key'}, hash: "${hash}", consumer: ${values.consumer ?? 'CONSUMER'} }`)
    return 0
  }
  if (sub === 'hash') {
    const key = (rest[0] ?? (await io.readStdin())).trim()
    if (key === '') {
      io.error('No key given: pass it as an argument or on stdin.')
      return 2
    }
    io.out(await hashApiKey(key))
    return 0
  }
  io.error(usage)
  return sub === undefined || sub === 'help' || sub === '--help' ? 0 : 2
}
