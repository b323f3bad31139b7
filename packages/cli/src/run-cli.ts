import type { CliIo } from './cli-io'
import { checkConfigCommand } from './commands/check-config'
import { discoverCommand } from './commands/discover'
import { keyCommand } from './commands/key'
import { recommendCommand } from './commands/recommend'
import { replayCommand } from './commands/replay'
import { serveCommand } from './commands/serve'

const usage = `portcullis: the Portcullis API gateway command

Commands:
  serve --config FILE                 the standalone gateway, in front of the config's routes
  key new | hash                      make an API key, or hash one for the config
  check-config FILE                   every problem of a config file, listed (exit 1 when any)
  discover FILE                       the API in recorded traffic (HAR or NDJSON logs), as OpenAPI
  recommend FILE --session-header H   rate limits learned from recorded traffic
  replay FILE --config C              what a config would refuse of recorded traffic, offline

Run portcullis COMMAND --help for a command's options.`

/** Runs the `portcullis` command with its arguments; resolves with the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args
  if (command === 'key') return keyCommand(rest, io)
  if (command === 'discover') return discoverCommand(rest, io)
  if (command === 'recommend') return recommendCommand(rest, io)
  if (command === 'check-config') return checkConfigCommand(rest, io)
  if (command === 'replay') return replayCommand(rest, io)
  if (command === 'serve') return serveCommand(rest, io)
  io.error(usage)
  return command === undefined || command === 'help' || command === '--help' ? 0 : 2
}
