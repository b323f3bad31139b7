/** Where the CLI writes and reads, so tests can run commands in-process. */
export interface CliIo {
  out(line: string): void
  error(line: string): void
  readStdin(): Promise<string>
  /** Writes progress text to stderr as it is: no newline added, so a bar can redraw its line. */
  progress?(text: string): void
  /** Whether stderr is a terminal: progress is shown there unless `--no-progress` says otherwise. */
  readonly isTerminal?: boolean
}

/** The process's own stdout, stderr and stdin. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
  progress: (text) => process.stderr.write(text),
  get isTerminal() {
    return process.stderr.isTTY === true
  },
  async readStdin() {
    if (process.stdin.isTTY) return ''
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
}
