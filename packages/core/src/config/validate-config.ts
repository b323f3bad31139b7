import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv'
import type { ConfigProblem } from '../errors/config-error'
import { closestKey } from './closest-key'
import { checkCodeOnlyValue } from './code-only-checks'
import { formatConfigPath, fromJsonPointer } from './config-path'
import {
  type CheckKind,
  type CodeOnlyKind,
  checkKeyword,
  codeOnlyKeyword,
  expectedKeyword,
  gatewayConfigSchema,
} from './schema'
import { runSemanticCheck } from './semantic-checks'

let compiled: ValidateFunction | undefined

function compileValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true })
  ajv.addKeyword({
    keyword: codeOnlyKeyword,
    errors: true,
    validate: function codeOnly(kind: CodeOnlyKind, value: unknown) {
      const problems = checkCodeOnlyValue(kind, value)
      ;(codeOnly as { errors?: Partial<ErrorObject>[] }).errors = problems.map((problem) => ({
        keyword: codeOnlyKeyword,
        message: problem.message,
        params: { subPath: problem.subPath },
      }))
      return problems.length === 0
    },
  })
  ajv.addKeyword({
    keyword: checkKeyword,
    errors: true,
    validate: function semanticCheck(kind: CheckKind, value: unknown) {
      if (typeof value !== 'string') return true
      const message = runSemanticCheck(kind, value)
      ;(semanticCheck as { errors?: Partial<ErrorObject>[] }).errors =
        message === undefined ? [] : [{ keyword: checkKeyword, message, params: {} }]
      return message === undefined
    },
  })
  ajv.addKeyword({ keyword: expectedKeyword })
  return ajv.compile(gatewayConfigSchema)
}

/** Keywords that fail at the root of a union branch when the value is of another shape altogether. */
const shapeKeywords = new Set(['type', 'const', 'enum', codeOnlyKeyword, 'collapsed'])

interface Located {
  readonly error: ErrorObject
  /** The schema path, updated when a union collapses into one error. */
  readonly schemaPath: string
}

/**
 * Reduces a union's errors to the ones that help: the errors of the branch whose shape the value
 * has (a typo inside an object is reported as that), or else one "must be …" error.
 */
function pruneUnions(errors: ErrorObject[]): Located[] {
  let located: Located[] = errors.map((error) => ({ error, schemaPath: error.schemaPath }))
  const unions = located
    .filter(({ error }) => error.keyword === 'anyOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length)
  for (const union of unions) {
    const prefix = `${union.schemaPath}/`
    const at = union.error.instancePath
    // One union schema checks every item of a list: only the errors under this item's value are its.
    const inUnion = (item: Located) =>
      item.schemaPath.startsWith(prefix) &&
      (item.error.instancePath === at || item.error.instancePath.startsWith(`${at}/`))
    const byBranch = new Map<string, Located[]>()
    for (const item of located) {
      if (!inUnion(item)) continue
      const branch = item.schemaPath.slice(prefix.length).split('/')[0] as string
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), item])
    }
    const isShapeMismatch = ({ error }: Located): boolean =>
      error.instancePath === union.error.instancePath &&
      shapeKeywords.has(error.keyword) &&
      ((error.params?.subPath as string[] | undefined) ?? []).length === 0
    const fitting = [...byBranch.values()].filter((branchErrors) => !branchErrors.some(isShapeMismatch))
    const keep = new Set<Located>(fitting[0] ?? [])
    located = located.filter((item) => item === union || !inUnion(item) || keep.has(item))
    const index = located.indexOf(union)
    if (fitting.length > 0) {
      located.splice(index, 1)
    } else {
      const expected = (union.error.parentSchema as Record<string, unknown> | undefined)?.[expectedKeyword]
      const collapsed: ErrorObject = {
        ...union.error,
        keyword: 'collapsed',
        message: `must be ${typeof expected === 'string' ? expected : 'one of the accepted forms'}`,
      }
      located[index] = { error: collapsed, schemaPath: union.schemaPath }
    }
  }
  return located
}

const typeNames: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
}

function toProblem(error: ErrorObject): ConfigProblem {
  const path = fromJsonPointer(error.instancePath)
  switch (error.keyword) {
    case 'required':
      return { path: formatConfigPath([...path, error.params.missingProperty]), message: 'required' }
    case 'additionalProperties': {
      const key = error.params.additionalProperty as string
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {})
      const suggestion = closestKey(key, known)
      return {
        path: formatConfigPath([...path, key]),
        message: suggestion === undefined ? 'unknown key' : `unknown key (did you mean "${suggestion}"?)`,
      }
    }
    case 'type':
      return {
        path: formatConfigPath(path),
        message: `must be ${typeNames[error.params.type as string] ?? error.params.type}`,
      }
    case 'const':
      return { path: formatConfigPath(path), message: `must be ${JSON.stringify(error.params.allowedValue)}` }
    case 'enum':
      return {
        path: formatConfigPath(path),
        message: `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`,
      }
    case 'minimum':
    case 'maximum':
      return {
        path: formatConfigPath(path),
        message: `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${error.params.limit}`,
      }
    case codeOnlyKeyword:
      return {
        path: formatConfigPath([...path, ...((error.params.subPath as string[]) ?? [])]),
        message: error.message ?? 'is not valid',
      }
    default:
      return { path: formatConfigPath(path), message: error.message ?? 'is not valid' }
  }
}

/**
 * Checks a config (with `env:` references already resolved) against the schema and the semantic
 * checks, and returns every problem found, each with its path.
 */
export function validateConfig(config: unknown): ConfigProblem[] {
  compiled ??= compileValidator()
  if (compiled(config)) return []
  const problems = pruneUnions(compiled.errors ?? []).map(({ error }) => toProblem(error))
  const seen = new Set<string>()
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
