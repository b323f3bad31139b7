import { readFileSync } from 'node:fs'
import { dirname, extname, resolve } from 'node:path'
import { parseDocument } from 'yaml'
import { configDirectory } from './config/config-directory'
import type { GatewayConfig } from './config/schema'
import { ConfigError } from './errors/config-error'

/**
 * Reads a gateway config from a YAML (`.yaml`, `.yml`) or JSON (`.json`) file. Syntax errors
 * throw a {@link ConfigError} naming the file, line and column; the content itself is checked
 * when the gateway is created from it. File paths in it resolve against the file's folder.
 *
 * @example
 * ```ts
 * import { loadConfigFile } from '@portcullis/core/config-file'
 * app.use(gateway(loadConfigFile('./portcullis.yaml')))
 * ```
 */
export function loadConfigFile(path: string): GatewayConfig {
  const file = resolve(path)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'file cannot be read'
    throw new ConfigError([{ path: '', message: reason }], file)
  }
  const extension = extname(file).toLowerCase()
  let config: GatewayConfig
  if (extension === '.json') config = parseJson(text, file)
  else if (extension === '.yaml' || extension === '.yml') config = parseYaml(text, file)
  else throw new ConfigError([{ path: '', message: 'must be a .yaml, .yml or .json file' }], file)
  // Relative paths in the file (a CA, a public key) are relative to the file, not to the process.
  // A symbol key: JSON and the validator ignore it, while `{ ...config }` keeps it.
  Object.defineProperty(config, configDirectory, { value: dirname(file), enumerable: true })
  return config
}

function parseJson(text: string, file: string): GatewayConfig {
  try {
    return JSON.parse(text) as GatewayConfig
  } catch (error) {
    throw new ConfigError([{ path: '', message: `invalid JSON: ${(error as Error).message}` }], file)
  }
}

function parseYaml(text: string, file: string): GatewayConfig {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  if (document.errors.length > 0) {
    // The first line of the message says what is wrong; the lines after it quote the file.
    const problems = document.errors.map((error) => {
      const position = error.linePos?.[0]
      const where = position === undefined ? '' : ` at line ${position.line}, column ${position.col}`
      const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')
      return { path: '', message: `invalid YAML${where}: ${reason} (${error.code})` }
    })
    throw new ConfigError(problems, file)
  }
  return (document.toJS() ?? {}) as GatewayConfig
}
