/** One problem found in a configuration, located by its path such as `auth.jwt.algorithms`. */
export interface ConfigProblem {
  /** Dotted path into the config, with `[i]` for list items; empty for the root. */
  readonly path: string
  /** What is wrong, without echoing the value (it may be a secret). */
  readonly message: string
}

/**
 * Thrown at start-up when a configuration has problems; it lists every one of them.
 *
 * @example
 * ```ts
 * try { gateway(config) } catch (error) {
 *   if (error instanceof ConfigError) for (const p of error.problems) console.error(p.path, p.message)
 * }
 * ```
 */
export class ConfigError extends Error {
  /** Every problem found, in config order. */
  readonly problems: readonly ConfigProblem[]
  /** The file the config came from, when it was loaded from one. */
  readonly source: string | undefined

  constructor(problems: readonly ConfigProblem[], source?: string) {
    const where = source === undefined ? 'Invalid Portcullis config' : `Invalid Portcullis config in ${source}`
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
    const lines = problems.map((problem) => `  - ${problem.path || '(root)'}: ${problem.message}`)
    super(`${where} (${count}):\n${lines.join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
    this.source = source
  }
}
