import type { ParserOptions } from '@readme/openapi-parser'
import { nodeBuiltin } from '../../crypto/node-builtin'
import { collectOperations } from './collect-operations'
import { appendPointer, asObject, followRefs, type JsonObject } from './document-pointer'
import { DocumentReader, isUrl } from './document-reader'
import { scanRefs } from './document-refs'
import { type OpenApiDocumentModel, OpenApiLoadError, type OpenApiProblem, type OpenApiVersion } from './openapi-model'
import { operationProblems } from './operation-checks'
import { shortMessage } from './parse-document-text'
import { serverBasePaths } from './server-base-paths'
import { specProblems } from './spec-problems'

/** Where and how {@link loadOpenApi} reads a document. */
export interface LoadOpenApiOptions {
  /** Folder a relative file path is resolved against (the gateway config file's folder). Default: cwd. */
  baseDirectory?: string
  /** Timeout for fetching a URL. Default 10 s. */
  timeoutMs?: number
}

interface NodePath {
  resolve(...paths: string[]): string
}

const objectName = '(object)'

type Bundle = (api: string, options: ParserOptions) => Promise<unknown>

/**
 * Loads an OpenAPI 3.0 / 3.1 document from a file (`.yaml`, `.yml`, `.json`), an `http(s)` URL or
 * an object, inlines the files and URLs its `$ref`s name (internal `$ref`s stay, so recursive
 * schemas are fine), validates it against the OpenAPI schema, and flattens its operations.
 * Throws one {@link OpenApiLoadError} listing every problem found, each with its file and pointer.
 * An object source is copied, never changed.
 */
export async function loadOpenApi(
  source: string | Record<string, unknown>,
  options: LoadOpenApiOptions = {},
): Promise<OpenApiDocumentModel> {
  const path = nodeBuiltin<NodePath>('node:path')
  const fromUrl = typeof source === 'string' && isUrl(source)
  const reader = new DocumentReader(options.timeoutMs ?? 10_000, !fromUrl)
  let location: string
  if (typeof source === 'string') {
    const located = fromUrl ? reader.locate(source) : (path?.resolve(options.baseDirectory ?? '.', source) ?? source)
    if (located === undefined)
      throw new OpenApiLoadError([{ file: source, pointer: '#', message: 'is not a valid URL' }])
    location = located
    await reader.load(location)
  } else {
    // The document's relative `$ref`s resolve from the base directory, as a file's would from its folder.
    location = path?.resolve(options.baseDirectory ?? '.', objectName) ?? `/${objectName}`
    try {
      reader.add(location, structuredClone(source), objectName)
    } catch (error) {
      throw new OpenApiLoadError([
        { file: objectName, pointer: '#', message: `cannot be copied: ${shortMessage((error as Error).message)}` },
      ])
    }
  }
  const file = reader.name(location)
  if (reader.problems.length > 0) throw new OpenApiLoadError(reader.problems)
  const version = versionOf(reader.documents.get(location), file)
  if ('problem' in version) throw new OpenApiLoadError([version.problem])

  // Loaded on first use: the parser brings ajv, the OpenAPI schemas and a code-frame printer.
  const parser = await import('@readme/openapi-parser')
  const root = await bundled(parser.bundle, reader, location)
  const servers = serverBasePaths(root, fromUrl ? location : undefined, file)
  const collected = collectOperations(root, file)
  const problems = [
    ...(await specProblems(parser.validate, root, file)),
    ...servers.problems,
    ...collected.problems,
    ...operationProblems(collected.operations, file),
  ]
  if (problems.length > 0) throw new OpenApiLoadError(unique(problems))
  const info = asObject(root.info)
  return {
    version: version.version,
    openapi: version.openapi,
    title: typeof info?.title === 'string' ? info.title : '',
    basePaths: servers.basePaths,
    operations: collected.operations.map(({ operation }) => operation),
    securitySchemes: securitySchemesOf(root),
    root,
    source: file,
  }
}

/**
 * The document with the files and URLs its `$ref`s name inlined. A document that names none is
 * its own bundle: the parser's bundling is skipped then, as it costs a few hundred milliseconds
 * on a large document for nothing.
 */
async function bundled(bundle: Bundle, reader: DocumentReader, location: string): Promise<JsonObject> {
  const file = reader.name(location)
  const scan = scanRefs(reader)
  if (!scan.external) {
    if (scan.unresolved.length > 0) throw new OpenApiLoadError(scan.unresolved)
    return reader.documents.get(location) as JsonObject
  }
  let root: unknown
  try {
    // The parser's typings only admit a boolean for `resolve.file`, but it passes a reader
    // object through to json-schema-ref-parser, which is how ours replaces its file and HTTP readers.
    root = await bundle(location, { resolve: { file: reader.resolver as never } })
  } catch (error) {
    // The parser stops at the first `$ref` that leads nowhere; the scan, now over every file, finds them all.
    const problems = [...reader.problems, ...scanRefs(reader).unresolved]
    if (problems.length === 0) problems.push({ file, pointer: '#', message: shortMessage((error as Error).message) })
    throw new OpenApiLoadError(unique(problems))
  }
  // A file that could not be read was given to the parser as `{}`, so that it would find the others.
  if (reader.problems.length > 0) throw new OpenApiLoadError(unique(reader.problems))
  // The bundle is the root document itself (checked to be an object), with the other documents inlined.
  return root as JsonObject
}

/** The OpenAPI line of a document; 2.0 (Swagger) and 3.2 are refused before any work is done. */
function versionOf(
  document: unknown,
  file: string,
): { version: OpenApiVersion; openapi: string } | { problem: OpenApiProblem } {
  const root = asObject(document)
  if (root === undefined) return { problem: { file, pointer: '#', message: 'must be an object (an OpenAPI document)' } }
  if (root.swagger !== undefined) {
    const message = 'Swagger 2.0 is not supported: convert the document to OpenAPI 3.0 or 3.1'
    return { problem: { file, pointer: '#/swagger', message } }
  }
  const openapi = root.openapi
  if (typeof openapi !== 'string') {
    return {
      problem: {
        file,
        pointer: '#/openapi',
        message: 'must be a string such as "3.1.0": is this an OpenAPI document?',
      },
    }
  }
  const line = /^3\.([01])\.\d+(-.+)?$/.exec(openapi)?.[1]
  if (/^3\.[01]$/.test(openapi)) {
    return { problem: { file, pointer: '#/openapi', message: `must be a full version such as "${openapi}.0"` } }
  }
  if (line === undefined) {
    const message = `OpenAPI ${shortMessage(openapi)} is not supported: use 3.0.x or 3.1.x`
    return { problem: { file, pointer: '#/openapi', message } }
  }
  return { version: line === '0' ? '3.0' : '3.1', openapi }
}

/** `components.securitySchemes`, a scheme given as a `$ref` followed to its object. */
function securitySchemesOf(root: JsonObject): Record<string, Readonly<Record<string, unknown>>> {
  const schemes: Record<string, Readonly<Record<string, unknown>>> = {}
  for (const [name, value] of Object.entries(asObject(asObject(root.components)?.securitySchemes) ?? {})) {
    const pointer = appendPointer('#/components/securitySchemes', name)
    const scheme = asObject(followRefs(root, { value, pointer })?.value)
    if (scheme !== undefined) schemes[name] = scheme
  }
  return schemes
}

/** The problems without repeats: a path item's broken parameter shows up under each of its operations. */
function unique(problems: readonly OpenApiProblem[]): OpenApiProblem[] {
  const seen = new Set<string>()
  return problems.filter((problem) => {
    const key = `${problem.file}\n${problem.pointer}\n${problem.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
