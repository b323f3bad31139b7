import type { ParserOptions, ValidationResult } from '@readme/openapi-parser'
import { appendPointer, asObject, followRefs, type JsonObject, type Located, stepInto } from './document-pointer'
import { pointersAtLines } from './json-line-pointers'
import type { OpenApiProblem } from './openapi-model'
import { shortMessage } from './parse-document-text'

type Validate = (api: never, options: ParserOptions) => Promise<ValidationResult>

const options: ParserOptions = {
  // Cycles are fine in a schema; "ignore" also spares the parser a final full dereference.
  dereference: { circular: 'ignore' },
  validate: {
    rules: {
      openapi: {
        // The loader checks these itself, in every document, with a pointer: the parser runs them
        // only once the document passed the schema.
        'duplicate-operation-id': 'warning',
        'path-parameters-not-in-parameters': 'warning',
        'path-parameters-not-in-path': 'warning',
        // As an error, a bad security scheme stops the parser before the schema check; as a
        // warning it is still reported (see below), and the schema errors come in the same pass.
        'invalid-security-scheme-properties': 'warning',
      },
    },
  },
}

/**
 * Validates the bundled document against the OpenAPI 3.0 / 3.1 schema and the parser's extra
 * rules, and turns each error into a problem with a pointer into `root`. The parser's messages
 * are text with a code frame of its dereferenced copy; the frame's marked line is mapped back to
 * a place, and `$ref`s on the way are followed to where the offending value is written.
 */
export async function specProblems(validate: Validate, root: JsonObject, file: string): Promise<OpenApiProblem[]> {
  // The parser dereferences what it validates in place: give it a copy, and keep it to map lines.
  const copy = structuredClone(root)
  let result: ValidationResult
  try {
    result = await validate(copy as never, options)
  } catch (error) {
    return [{ file, pointer: '#', message: shortMessage((error as Error).message) }]
  }
  // Of the warnings, the security scheme ones are problems; the others are the rules checked here.
  const schemeWarnings = result.warnings.filter((warning) =>
    warning.message.startsWith('`/components/securitySchemes/'),
  )
  const errors = [...(result.valid ? [] : result.errors), ...schemeWarnings].map((error) => splitMessage(error.message))
  const lines = new Set(errors.flatMap((error) => (error.line === undefined ? [] : [error.line])))
  const tokensAt = lines.size > 0 ? pointersAtLines(copy, lines) : new Map<number, readonly string[]>()
  const problems = errors.flatMap((error): OpenApiProblem[] => {
    const tokens = error.line === undefined ? undefined : tokensAt.get(error.line)
    if (tokens !== undefined) return [{ file, pointer: locate(root, tokens), message: shortMessage(error.text) }]
    if (/`paths` object must begin with a leading slash/.test(error.text)) {
      const paths = Object.keys(asObject(root.paths) ?? {}).filter(
        (key) => !key.startsWith('/') && !key.startsWith('x-'),
      )
      return paths.map((key) => ({ file, pointer: appendPointer('#/paths', key), message: 'must begin with a slash' }))
    }
    // The parser's own rules name the place first, as an unescaped path in backticks.
    const path = /^`(\/[^`]*)`\s*/.exec(error.text)
    if (path === null) return [{ file, pointer: '#', message: shortMessage(error.text) }]
    const message = shortMessage(error.text.slice(path[0].length))
    return [{ file, pointer: looselyLocate(root, path[1] as string), message }]
  })
  if (!result.valid && result.additionalErrors > 0) {
    problems.push({ file, pointer: '#', message: `and ${result.additionalErrors} more schema errors` })
  }
  return problems
}

/**
 * A parser message: "KEYWORD what is wrong\n\n<code frame>", the frame's line marked with `>`
 * and a caret line under it, which sometimes carries a suggestion ("Did you mean string here?").
 */
function splitMessage(message: string): { text: string; line: number | undefined } {
  const [head = '', ...rest] = message.split(/\n\s*\n/)
  const frame = rest.join('\n')
  const marked = /^>\s*(\d+) \|/m.exec(frame)
  const caret = /^\s*\|\s*\^+\s*(.*)$/m.exec(frame)?.[1] ?? ''
  const suggestion = /^did you mean/i.test(caret) ? ` (${caret.replace(/ here\?$/, '?').toLowerCase()})` : ''
  const text = head.replace(/^[A-Z]+(?: [A-Z]+)* (?=[a-z])/, '') + suggestion
  return { text, line: marked === null ? undefined : Number(marked[1]) }
}

/**
 * The pointer in `root` of a place in its dereferenced copy: where the copy has a referenced
 * value inlined, `root` has a `$ref`, which is followed, so the pointer lands where the value is
 * written (`#/components/schemas/Pet/...`).
 */
function locate(root: JsonObject, tokens: readonly string[]): string {
  let current: Located = { value: root, pointer: '#' }
  for (const token of tokens) {
    const next = stepInto(root, current, token)
    if (next === undefined) break
    current = next
  }
  return (followRefs(root, current) ?? current).pointer
}

/**
 * The pointer of a path the parser's own rules write unescaped (`/paths/pets/{id}/get/...`,
 * with parameters by name): at each level the longest key that matches is taken.
 */
function looselyLocate(root: JsonObject, path: string): string {
  let current: Located = { value: root, pointer: '#' }
  let rest = path
  while (rest.length > 1) {
    const node = followRefs(root, current) ?? current
    const match = bestMatch(root, node, rest)
    if (match === undefined) break
    current = match.located
    rest = rest.slice(match.length)
  }
  return current.pointer
}

function bestMatch(root: JsonObject, node: Located, rest: string): { located: Located; length: number } | undefined {
  let best: { located: Located; length: number } | undefined
  const consider = (key: string, token: string | number, value: unknown): void => {
    // A path template brings its own slash: the parser writes `/paths${template}`.
    const prefix = key.startsWith('/') ? key : `/${key}`
    const fits = rest === prefix || rest.startsWith(`${prefix}/`)
    if (fits && (best === undefined || prefix.length > best.length)) {
      best = { located: { value, pointer: appendPointer(node.pointer, token) }, length: prefix.length }
    }
  }
  if (Array.isArray(node.value)) {
    node.value.forEach((item, index) => {
      consider(String(index), index, item)
      const name = asObject(followRefs(root, { value: item, pointer: '' })?.value)?.name
      if (typeof name === 'string') consider(name, index, item)
    })
  } else {
    for (const [key, value] of Object.entries(asObject(node.value) ?? {})) consider(key, key, value)
  }
  return best
}
