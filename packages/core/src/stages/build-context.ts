import type { Clock } from '../engine/clock'
import type { ConfigProblem } from '../errors/config-error'

/** What building stages from the config needs, and where it reports problems. */
export interface BuildContext {
  readonly clock: Clock
  /** The config file's folder, for relative file paths; `undefined` for configs made in code. */
  readonly baseDirectory: string | undefined
  /** Records a problem at a config path. */
  problem(path: string, message: string): void
  /** Runs once the whole config turned out valid (e.g. starts fetching a key set). */
  whenValid(start: () => void): void
}

/** A {@link BuildContext} collecting into a list. */
export function buildContext(
  clock: Clock,
  baseDirectory: string | undefined,
  problems: ConfigProblem[],
): BuildContext & { start(): void } {
  const starters: (() => void)[] = []
  return {
    clock,
    baseDirectory,
    problem: (path, message) => problems.push({ path, message }),
    whenValid: (start) => starters.push(start),
    start: () => {
      for (const start of starters) start()
    },
  }
}
