export { type CliIo, processIo } from './cli-io'
export { runCli } from './run-cli'
