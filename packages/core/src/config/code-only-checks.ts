import { isPhase, phases } from '../engine/phases'
import type { CodeOnlyKind } from './schema'

/** One problem a code-only value has, relative to the value itself. */
export interface CodeOnlyProblem {
  /** Path segments below the value, e.g. `['phase']`. */
  readonly subPath: readonly string[]
  readonly message: string
}

const isFunction = (value: unknown): boolean => typeof value === 'function'
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

function checkStage(value: Record<string, unknown>): CodeOnlyProblem[] {
  const problems: CodeOnlyProblem[] = []
  if (typeof value.name !== 'string' || value.name === '')
    problems.push({ subPath: ['name'], message: 'must be a non-empty string' })
  if (!isPhase(value.phase)) problems.push({ subPath: ['phase'], message: `must be one of: ${phases.join(', ')}` })
  if (value.mode !== undefined && value.mode !== 'enforce' && value.mode !== 'report') {
    problems.push({ subPath: ['mode'], message: 'must be one of: enforce, report' })
  }
  // A stage decides (`run`), observes finished responses (`complete`), or both.
  if (value.run !== undefined && !isFunction(value.run))
    problems.push({ subPath: ['run'], message: 'must be a function' })
  if (value.complete !== undefined && !isFunction(value.complete))
    problems.push({ subPath: ['complete'], message: 'must be a function' })
  if (value.run === undefined && value.complete === undefined)
    problems.push({ subPath: ['run'], message: 'must be a function (or give the stage a complete function)' })
  return problems
}

const storeMethods = ['get', 'set', 'delete', 'increment', 'close'] as const

/**
 * Checks a value only code can give by its shape. Returns the problems found, or one problem at
 * the value itself when it is not even the right kind of thing.
 */
export function checkCodeOnlyValue(kind: CodeOnlyKind, value: unknown): CodeOnlyProblem[] {
  if (kind === 'function') return isFunction(value) ? [] : [{ subPath: [], message: 'must be a function' }]
  if (!isObject(value)) return [{ subPath: [], message: `must be ${describeCodeOnly(kind)}` }]
  switch (kind) {
    case 'stage':
      return checkStage(value)
    case 'store': {
      const missing = storeMethods.filter((method) => !isFunction(value[method]))
      return missing.length === 0
        ? []
        : [{ subPath: [], message: `must be ${describeCodeOnly(kind)} (missing ${missing.join(', ')})` }]
    }
    case 'clock':
      return isFunction(value.now) ? [] : [{ subPath: ['now'], message: 'must be a function' }]
  }
}

function describeCodeOnly(kind: Exclude<CodeOnlyKind, 'function'>): string {
  switch (kind) {
    case 'stage':
      return 'a stage: { name, phase, run }'
    case 'store':
      return 'a Store: { get, set, delete, increment, close }'
    case 'clock':
      return 'a clock: { now() }'
  }
}
