/**
 * A Node built-in module where the runtime has one (Node ≥ 20.16, Bun, Deno), loaded without a
 * static `node:` import so that core still loads on fetch runtimes.
 */
export function nodeBuiltin<T>(name: string): T | undefined {
  const processObject = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  return processObject?.getBuiltinModule?.(name) as T | undefined
}
