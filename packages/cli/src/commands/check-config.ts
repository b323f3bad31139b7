import { ConfigError, createEngine, type GatewayConfig } from '@portcullis/core'
import { loadConfigFile } from '@portcullis/core/config-file'
import { BAD_INPUT, USAGE } from '../cli-failure'
import type { CliIo } from '../cli-io'

const usage = `Usage:
  portcullis check-config FILE
      Checks a gateway config (YAML or JSON) the way the gateway does at start-up, its OpenAPI
      document included, and lists every problem with its path. Exit code 0 when it is valid,
      1 when it is not. env:NAME references are read from the environment.`

/** The sections a config sets, for the summary of a valid one. */
const sectionsOf = (config: GatewayConfig) =>
  Object.keys(config).filter((key) => key !== '$schema' && (config as Record<string, unknown>)[key] !== undefined)

/** `portcullis check-config FILE`: every problem of a config, listed, before anyone deploys it. */
export async function checkConfigCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [file, ...extra] = args
  if (file === undefined || file === '--help' || file === 'help' || extra.length > 0) {
    io.error(usage)
    return file === '--help' || file === 'help' ? 0 : USAGE
  }
  let config: GatewayConfig
  try {
    config = loadConfigFile(file)
    const engine = createEngine(config, { source: file })
    try {
      // The OpenAPI document loads in the background: its problems surface here.
      await engine.ready()
    } finally {
      await engine.close()
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    io.error(error.message)
    return BAD_INPUT
  }
  io.out(`${file}: valid (${sectionsOf(config).join(', ') || 'no sections: the defaults'})`)
  return 0
}
