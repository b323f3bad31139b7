import { nodeBuiltin } from '../../crypto/node-builtin'
import type { OpenApiProblem } from './openapi-model'
import { parseDocumentText, shortMessage } from './parse-document-text'

interface NodeFs {
  promises: { readFile(path: string, encoding: 'utf8'): Promise<string> }
}
interface NodePath {
  resolve(...paths: string[]): string
  dirname(path: string): string
}

/** Whether a location is an http(s) URL rather than a file path. */
export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location)
}

/** A reader plugin of json-schema-ref-parser, the engine inside @readme/openapi-parser. */
export interface RefResolver {
  readonly order: number
  canRead(): boolean
  read(file: { readonly url: string }): Promise<unknown>
}

function decodePath(url: string): string {
  try {
    return decodeURIComponent(url)
  } catch {
    return url
  }
}

/**
 * Reads the documents of one load: the root and every file or URL its `$ref`s name, each once,
 * parsed by us (so that syntax errors carry a line and column). What cannot be read or parsed
 * becomes a problem naming that file, and the parser gets an empty placeholder instead, so that
 * it goes on and the other broken files are found in the same pass.
 */
export class DocumentReader {
  /** Every document read, by location (absolute path or URL). */
  readonly documents = new Map<string, unknown>()
  /** The locations that could not be read or parsed. */
  readonly failed = new Set<string>()
  readonly problems: OpenApiProblem[] = []
  readonly #pending = new Map<string, Promise<unknown>>()
  readonly #names = new Map<string, string>()
  readonly #timeoutMs: number
  readonly #localFiles: boolean
  readonly #path = nodeBuiltin<NodePath>('node:path')

  /**
   * @param localFiles false for a document fetched from a URL: what a remote document says must
   *   not make the gateway read files on its own disk.
   */
  constructor(timeoutMs: number, localFiles: boolean) {
    this.#timeoutMs = timeoutMs
    this.#localFiles = localFiles
  }

  /** Registers a document already in hand (an object source) under the location its `$ref`s resolve from. */
  add(location: string, value: unknown, name: string): void {
    this.documents.set(location, value)
    this.#names.set(location, name)
  }

  /** The name of a location in problems: `(object)` for an object source, else the path or URL. */
  name(location: string): string {
    return this.#names.get(location) ?? location
  }

  /** The location of a file path (relative to `base`) or URL, in the form the documents are keyed by. */
  locate(url: string, base?: string): string | undefined {
    try {
      if (base !== undefined && isUrl(base)) return new URL(url, base).href
      if (isUrl(url)) return new URL(url).href
    } catch {
      return undefined
    }
    const file = /^file:/i.test(url) ? decodePath(url.replace(/^file:\/\/(localhost)?/i, '')) : decodePath(url)
    if (this.#path === undefined) return file
    return base === undefined ? this.#path.resolve(file) : this.#path.resolve(this.#path.dirname(base), file)
  }

  /** The parsed document at a location, read once; `undefined` (and a problem) when it cannot be had. */
  load(location: string): Promise<unknown> {
    if (this.documents.has(location)) return Promise.resolve(this.documents.get(location))
    let pending = this.#pending.get(location)
    if (pending === undefined) {
      pending = this.#readAndParse(location)
      this.#pending.set(location, pending)
    }
    return pending
  }

  /**
   * The reader the parser uses for every file and URL, in place of its own: ours comes first
   * (order 1) and never fails, so the parser's own readers are never reached. They would read
   * the root a second time, and their SSRF guard refuses loopback and private addresses, which
   * an operator's own API description may well live on.
   */
  readonly resolver: RefResolver = {
    order: 1,
    canRead: () => true,
    read: async (file) => {
      const location = this.locate(file.url)
      const document = location === undefined ? this.#fail(file.url, 'is not a valid URL') : await this.load(location)
      return document ?? {}
    },
  }

  async #readAndParse(location: string): Promise<unknown> {
    const text = isUrl(location) ? await this.#fetch(location) : await this.#readFile(location)
    if (text === undefined) return undefined
    const parsed = parseDocumentText(text, location)
    if ('errors' in parsed) {
      for (const message of parsed.errors) this.#fail(location, message)
      return undefined
    }
    this.documents.set(location, parsed.value)
    return parsed.value
  }

  async #readFile(file: string): Promise<string | undefined> {
    if (!this.#localFiles) return this.#fail(file, 'a document fetched from a URL cannot refer to local files')
    const fs = nodeBuiltin<NodeFs>('node:fs')
    if (fs === undefined)
      return this.#fail(file, 'this runtime cannot read files: pass the document as an object or a URL')
    try {
      return await fs.promises.readFile(file, 'utf8')
    } catch (error) {
      const code = (error as { code?: string }).code
      return this.#fail(file, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'unknown error'})`)
    }
  }

  async #fetch(url: string): Promise<string | undefined> {
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.8' },
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
      if (!response.ok) {
        await response.body?.cancel()
        return this.#fail(url, `the server answered HTTP ${response.status}`)
      }
      return await response.text()
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') return this.#fail(url, `no answer within ${this.#timeoutMs} ms`)
      // undici puts the reason (ECONNREFUSED, ENOTFOUND …) in `cause`; the message is just "fetch failed".
      const cause = (error as { cause?: { code?: string; message?: string } }).cause
      return this.#fail(
        url,
        `cannot be fetched: ${shortMessage(cause?.code ?? cause?.message ?? (error as Error).message)}`,
      )
    }
  }

  #fail(location: string, message: string): undefined {
    this.failed.add(location)
    this.problems.push({ file: this.name(location), pointer: '#', message })
    return undefined
  }
}
