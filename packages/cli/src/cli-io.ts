/** Where the CLI writes and reads, so tests can run commands in-process. */
export interface CliIo {
  out(line: string): void
  error(line: string): void
  readStdin(): Promise<string>
}

/** The process's own stdout, stderr and stdin. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
  async readStdin() {
    if (process.stdin.isTTY) return ''
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
}
