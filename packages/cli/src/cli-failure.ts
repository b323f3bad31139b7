import type { CliIo } from './cli-io'

/** Exit code of a command used wrongly (a missing or bad argument). */
export const USAGE = 2

/** Exit code of a command whose input could not be used (a missing, unreadable or malformed file). */
export const BAD_INPUT = 1

/** A failure a command reports as one line on stderr, with its exit code: never a stack trace. */
export class CliFailure extends Error {
  /** The process exit code: {@link USAGE} or {@link BAD_INPUT}. */
  readonly exitCode: number

  constructor(message: string, exitCode: number) {
    super(message)
    this.name = 'CliFailure'
    this.exitCode = exitCode
  }
}

/** Runs a command body, turning a {@link CliFailure} into its message on stderr and its exit code. */
export async function reportFailures(io: Pick<CliIo, 'error'>, body: () => Promise<number>): Promise<number> {
  try {
    return await body()
  } catch (failure) {
    if (!(failure instanceof CliFailure)) throw failure
    io.error(failure.message)
    return failure.exitCode
  }
}
