import { nodeBuiltin } from '../crypto/node-builtin'

interface NodeFs {
  readFileSync(path: string, encoding: 'utf8'): string
}
interface NodePath {
  resolve(...paths: string[]): string
}

/**
 * Reads a value that is either inline text (a PEM: it starts with `-----BEGIN`) or a file path,
 * resolved against the config file's folder (or the working directory). Returns the text, or a
 * problem message that names neither the content nor, for a missing file, anything but the path.
 */
export function readTextSource(
  value: string,
  baseDirectory: string | undefined,
): { text: string } | { problem: string } {
  if (value.trimStart().startsWith('-----BEGIN')) return { text: value }
  const fs = nodeBuiltin<NodeFs>('node:fs')
  const path = nodeBuiltin<NodePath>('node:path')
  if (fs === undefined || path === undefined) return { problem: 'must be PEM text: this runtime cannot read files' }
  const file = path.resolve(baseDirectory ?? '.', value)
  try {
    return { text: fs.readFileSync(file, 'utf8') }
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'no such file' : 'the file cannot be read'
    return { problem: `is neither PEM text nor a readable file (${reason}: ${file})` }
  }
}
