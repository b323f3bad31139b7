/** Marks a config loaded from a file with that file's folder, for resolving relative paths in it. */
export const configDirectory: unique symbol = Symbol.for('portcullis.configDirectory')

/** The folder a config was loaded from, if it was loaded from a file. */
export function configDirectoryOf(config: unknown): string | undefined {
  if (typeof config !== 'object' || config === null) return undefined
  const directory = (config as { [configDirectory]?: unknown })[configDirectory]
  return typeof directory === 'string' ? directory : undefined
}
