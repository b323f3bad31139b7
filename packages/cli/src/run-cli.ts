import type { CliIo } from './cli-io'
import { keyCommand } from './commands/key'

const usage = `portcullis: the Portcullis API gateway command

Commands:
  key new | hash     make an API key, or hash one for the config`

/** Runs the `portcullis` command with its arguments; resolves with the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args
  if (command === 'key') return keyCommand(rest, io)
  io.error(usage)
  return command === undefined || command === 'help' || command === '--help' ? 0 : 2
}
