// A config file may name a Redis store and turn the admin dashboard on: both come with the command.
import '@portcullis/dashboard'
import '@portcullis/redis'
import { ConfigError } from '@portcullis/core'
import { loadConfigFile } from '@portcullis/core/config-file'
import { gateway, type NodeGateway } from '@portcullis/node'

/** The same problems, named after the file they came from (`gateway()` does not know it). */
const fromFile = (error: ConfigError, file: string) =>
  error.source === undefined ? new ConfigError(error.problems, file) : error

/**
 * Reads a config file and builds the gateway from it, waiting until it is ready (its OpenAPI
 * document loaded). Throws a `ConfigError` naming the file and every problem; nothing is left
 * open when it does.
 */
export async function loadGateway(file: string): Promise<NodeGateway> {
  const config = loadConfigFile(file)
  let gw: NodeGateway
  try {
    gw = gateway(config)
  } catch (error) {
    throw error instanceof ConfigError ? fromFile(error, file) : error
  }
  try {
    await gw.engine.ready()
  } catch (error) {
    await gw.close().catch(() => {})
    throw error instanceof ConfigError ? fromFile(error, file) : error
  }
  return gw
}
