import { LineCounter, parseDocument } from 'yaml'

/** The longest message the loader repeats from elsewhere: documents can be megabytes on one line. */
const maxMessageLength = 200

/** Cuts a message down so that a problem never echoes a large part of a document. */
export function shortMessage(message: string): string {
  const oneLine = message.replace(/\s+/g, ' ').trim()
  return oneLine.length <= maxMessageLength ? oneLine : `${oneLine.slice(0, maxMessageLength - 1)}…`
}

/** A parsed document, or what is wrong with its syntax (each message with its line and column). */
export type ParsedText = { readonly value: unknown } | { readonly errors: readonly string[] }

/**
 * Parses the text of a document: JSON for `.json`, YAML for `.yaml` / `.yml`, and for any other
 * name (a URL without an extension) JSON when it starts like JSON, else YAML. JSON goes through
 * `JSON.parse`, which is many times faster than a YAML parser on a large document.
 */
export function parseDocumentText(text: string, name: string): ParsedText {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const extension = /\.([a-z]+)$/i.exec(name.replace(/[?#].*$/, ''))?.[1]?.toLowerCase()
  const json = extension === 'json' || (extension !== 'yaml' && extension !== 'yml' && /^\s*[{[]/.test(body))
  return json ? parseJson(body) : parseYaml(body)
}

function parseJson(text: string): ParsedText {
  try {
    return { value: JSON.parse(text) }
  } catch (error) {
    const message = (error as Error).message
    // V8 names the offset ("at position 42"); Node 22 adds the line, Node 20 does not, so count.
    const offset = /at position (\d+)/.exec(message)?.[1]
    const reason = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '')
    if (offset === undefined) return { errors: [`invalid JSON: ${shortMessage(reason)}`] }
    const { line, col } = lineAndColumn(text, Number(offset))
    return { errors: [`invalid JSON at line ${line}, column ${col}: ${shortMessage(reason)}`] }
  }
}

function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset)
  const lineStart = before.lastIndexOf('\n') + 1
  return { line: before.split('\n').length, col: offset - lineStart + 1 }
}

function parseYaml(text: string): ParsedText {
  const lineCounter = new LineCounter()
  // Pretty errors would quote the document; the position is added from the line counter instead.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (document.errors.length > 0) {
    return {
      errors: document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0])
        return `invalid YAML at line ${line}, column ${col}: ${shortMessage(error.message)} (${error.code})`
      }),
    }
  }
  try {
    return { value: document.toJS() }
  } catch (error) {
    // toJS refuses, for example, an alias bomb (too many alias expansions).
    return { errors: [`invalid YAML: ${shortMessage((error as Error).message)}`] }
  }
}
