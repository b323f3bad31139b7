import { CliFailure, USAGE } from '../cli-failure'
import type { CliIo } from '../cli-io'

/** The `--progress` and `--no-progress` options, for parseOptions (node 20's parseArgs has no negated options). */
export const progressOptions = {
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
} as const

/** How the progress options read in a command's usage, their descriptions starting at `column`. */
export function progressUsage(column: number): string {
  return [
    ['--progress', 'a progress bar on stderr even when it is not a terminal (plain lines then)'],
    ['--no-progress', 'no progress bar (default: one when stderr is a terminal)'],
  ]
    .map(([option, text]) => `      ${(option as string).padEnd(column)}${text}`)
    .join('\n')
}

/** The progress of one piece of work: how much of a known total is done. */
export interface ProgressBar {
  /** Sets how much is done; redraws when the last drawing is old enough. */
  update(done: number): void
  /** Draws the last state and ends the line: the bar's last word. */
  end(): void
}

/** Starts a {@link ProgressBar} for `total` units of work. */
export type StartProgress = (label: string, total: number) => ProgressBar

// A terminal redraws one line in place, ten times a second at most; a log (a forced bar on a pipe
// or a file) gets a line a second at most, so a long run does not flood it.
const terminalIntervalMs = 100
const lineIntervalMs = 1000
const barWidth = 24

const silent: ProgressBar = { update() {}, end() {} }

class TextProgressBar implements ProgressBar {
  readonly #write: (text: string) => void
  readonly #terminal: boolean
  readonly #label: string
  readonly #total: number
  readonly #now: () => number
  #done = 0
  #drawnAt = Number.NEGATIVE_INFINITY
  #drawn = ''

  constructor(write: (text: string) => void, terminal: boolean, label: string, total: number, now: () => number) {
    this.#write = write
    this.#terminal = terminal
    this.#label = label
    this.#total = total
    this.#now = now
    this.#draw()
  }

  update(done: number): void {
    this.#done = Math.min(done, this.#total)
    if (this.#now() - this.#drawnAt >= (this.#terminal ? terminalIntervalMs : lineIntervalMs)) this.#draw()
  }

  end(): void {
    if (this.#text() !== this.#drawn) this.#draw()
    if (this.#terminal) this.#write('\n')
  }

  #text(): string {
    const done = Math.floor(this.#done)
    const fraction = this.#total === 0 ? 1 : done / this.#total
    const filled = Math.round(fraction * barWidth)
    const bar = `${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}`
    return `${this.#label} [${bar}] ${done}/${this.#total} ${Math.floor(fraction * 100)}%`
  }

  #draw(): void {
    this.#drawn = this.#text()
    this.#drawnAt = this.#now()
    // On a terminal: back to the line's start, the bar, and the rest of the line erased.
    this.#write(this.#terminal ? `\r${this.#drawn}\x1b[K` : `${this.#drawn}\n`)
  }
}

/** A bar drawn with `write`, in place on a terminal or as plain lines elsewhere; `now` is for tests. */
export function textProgressBar(
  write: (text: string) => void,
  terminal: boolean,
  label: string,
  total: number,
  now: () => number = () => performance.now(),
): ProgressBar {
  return new TextProgressBar(write, terminal, label, total, now)
}

/**
 * How a command shows progress: `--progress` forces a bar, `--no-progress` silences it, and without
 * either a bar is shown only when stderr is a terminal. Bars are silent where the io cannot draw one.
 */
export function progressFor(io: CliIo, options: { progress?: boolean; 'no-progress'?: boolean }): StartProgress {
  if (options.progress === true && options['no-progress'] === true) {
    throw new CliFailure('Give --progress or --no-progress, not both.', USAGE)
  }
  const write = io.progress?.bind(io)
  const shown = options.progress === true || (options['no-progress'] !== true && io.isTerminal === true)
  if (write === undefined || !shown) return () => silent
  return (label, total) => textProgressBar(write, io.isTerminal === true, label, total)
}
