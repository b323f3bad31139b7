import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))

/** A fresh temporary folder and a writer of files in it (configs, certificates). */
export function tempFolder(prefix: string) {
  const folder = mkdtempSync(join(tmpdir(), `portcullis-${prefix}-`))
  const write = (name: string, text: string) => {
    const path = join(folder, name)
    writeFileSync(path, text)
    return path
  }
  return { folder, write, path: (name: string) => join(folder, name) }
}

/** Polls `check` every 10 ms until it returns something other than undefined or false. */
export async function waitUntil<T>(what: string, check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** The lines of an NDJSON access log, parsed (none while the file does not exist). */
export function accessLogLines(path: string): { req: { path: string }; res: { statusCode: number } }[] {
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line))
}

/** A `portcullis serve` child process, with what it printed so far. */
export interface ServeProcess {
  readonly child: ChildProcess
  stdout(): string
  stderr(): string
  /** Settles with the exit code (or the signal that killed it). */
  readonly exited: Promise<number | NodeJS.Signals | null>
  /** Resolves once `pattern` appears on the stream; rejects when the process exits first or after `timeoutMs`. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  /** Resolves with the URL of the "listening" line. */
  listening(): Promise<string>
}

const running = new Set<ChildProcess>()

/** Runs `portcullis <args>` from the sources, as `pnpm portcullis` does. */
export function spawnCli(args: readonly string[]): ServeProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=development', 'packages/cli/src/cli.ts', ...args],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  running.add(child)
  const text = { stdout: '', stderr: '' }
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    text.stdout += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    text.stderr += chunk
  })
  let done = false
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('close', (code, signal) => {
      done = true
      running.delete(child)
      resolve(code ?? signal)
    }),
  )
  const waitFor = (stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 30_000) =>
    waitUntil(
      `${pattern} on ${stream}; stdout: ${JSON.stringify(text.stdout)}; stderr: ${JSON.stringify(text.stderr)}`,
      () => {
        const match = text[stream].match(pattern)
        if (match !== null) return match
        if (done) throw new Error(`portcullis exited before printing ${pattern}: ${text.stderr}`)
        return undefined
      },
      timeoutMs,
    )
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exited,
    waitFor,
    listening: async () => (await waitFor('stdout', /portcullis: listening on (\S+)\n/))[1] as string,
  }
}

/** Runs `portcullis <args>` to its end: its exit code and output. */
export async function runCliProcess(args: readonly string[]) {
  const run = spawnCli(args)
  const code = await run.exited
  return { code, stdout: run.stdout(), stderr: run.stderr() }
}

/** Kills the processes a test left running (after a failed assertion). */
export function killLeftovers(): void {
  for (const child of running) child.kill('SIGKILL')
}
