import { appendPointer, localRefTokens, valueAt } from './document-pointer'
import type { DocumentReader } from './document-reader'
import type { OpenApiProblem } from './openapi-model'
import { shortMessage } from './parse-document-text'

/** What the `$ref`s of the documents read say: whether any names another document, and which lead nowhere. */
export interface RefScan {
  readonly external: boolean
  /** Each `$ref` that points at nothing, as a problem at the `$ref`'s own place. */
  readonly unresolved: OpenApiProblem[]
}

/**
 * Looks at every `$ref` in the documents read. The parser stops at the first reference that
 * leads nowhere and names only its target; this finds them all, and where they are. References
 * into a document that could not be read are skipped: that document has its own problem already.
 */
export function scanRefs(reader: DocumentReader): RefScan {
  const unresolved: OpenApiProblem[] = []
  let external = false
  for (const [location, document] of reader.documents) {
    // YAML anchors can make a document share (or even loop back to) a node: visit each once.
    const seen = new WeakSet<object>()
    // The path is kept as tokens and made a pointer only for a problem: most nodes have none.
    const tokens: string[] = []
    const visit = (node: unknown): void => {
      if (typeof node !== 'object' || node === null || seen.has(node)) return
      seen.add(node)
      const ref = (node as { $ref?: unknown }).$ref
      if (typeof ref === 'string' && !Array.isArray(node)) {
        external ||= !ref.startsWith('#')
        if (!resolves(reader, location, ref)) {
          const message = `$ref ${JSON.stringify(shortMessage(ref))} cannot be resolved`
          unresolved.push({ file: reader.name(location), pointer: appendPointer('#', ...tokens), message })
        }
      }
      for (const key in node) {
        tokens.push(key)
        visit((node as Record<string, unknown>)[key])
        tokens.pop()
      }
    }
    visit(document)
  }
  return { external, unresolved }
}

/** Whether a `$ref` leads somewhere; `true` when that cannot be told (an anchor, a document not read). */
function resolves(reader: DocumentReader, from: string, ref: string): boolean {
  const hash = ref.indexOf('#')
  const filePart = hash === -1 ? ref : ref.slice(0, hash)
  const target = filePart === '' ? from : reader.locate(filePart, from)
  if (target === undefined || reader.failed.has(target) || !reader.documents.has(target)) return true
  const tokens = hash === -1 ? [] : localRefTokens(ref.slice(hash))
  return tokens === undefined || valueAt(reader.documents.get(target), tokens) !== undefined
}
