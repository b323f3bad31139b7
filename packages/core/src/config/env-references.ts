import type { ConfigProblem } from '../errors/config-error'
import { formatConfigPath } from './config-path'

const envReference = /^env:([A-Za-z_][A-Za-z0-9_]*)$/

/** The environment `env:NAME` references read from. */
export type Environment = Readonly<Record<string, string | undefined>>

/** The process environment where there is one (Node, Bun, Deno with permissions), else none. */
export function processEnvironment(): Environment {
  const candidate = (globalThis as { process?: { env?: Environment } }).process
  return candidate?.env ?? {}
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/**
 * Replaces every `env:NAME` string in a config's plain data with the value of that environment
 * variable, and records a problem (by path, never by value) for each variable that is not set.
 * Code-only values (class instances, functions) are left as they are.
 */
export function resolveEnvReferences(
  value: unknown,
  env: Environment,
  problems: ConfigProblem[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    const match = envReference.exec(value)
    if (match === null) return value
    const name = match[1] as string
    const resolved = env[name]
    if (resolved === undefined || resolved === '') {
      problems.push({ path: formatConfigPath(path), message: `environment variable ${name} is not set` })
      return value
    }
    return resolved
  }
  if (Array.isArray(value))
    return value.map((item, index) => resolveEnvReferences(item, env, problems, [...path, index]))
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value))
      copy[key] = resolveEnvReferences(item, env, problems, [...path, key])
    return copy
  }
  return value
}
