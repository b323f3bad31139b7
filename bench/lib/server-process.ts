import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { pinnedCommand, serverCpu } from './pinning'
import type { ServerSpec } from './workload'

/** A benchmark server running in its own process. */
export interface RunningServer {
  readonly url: string
  /** The server's own process id (Node itself: taskset execs it, nothing wraps it). */
  readonly pid: number
  stop(): Promise<void>
}

const startTimeoutMs = 30_000
const live = new Set<ChildProcess>()

// A runner that stops early must not leave servers holding a CPU.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

/** Resolves with the first line the process prints; rejects if it exits or stays silent first. */
function firstLine(child: ChildProcess, label: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(
      () => reject(new Error(`${label}: no announcement within ${startTimeoutMs} ms`)),
      startTimeoutMs,
    )
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const end = output.indexOf('\n')
      if (end === -1) return
      clearTimeout(timer)
      resolve(output.slice(0, end))
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${label}: exited with code ${code} before listening`))
    })
  })
}

/** Where and how a server process starts. */
export interface StartOptions {
  /** The CPU it is pinned to. */
  readonly cpu: number
  /** Environment variables besides the runner's own (`PORT` is always 0). */
  readonly env?: Readonly<Record<string, string>>
}

/** Starts a fresh server process, pinned to a CPU, on a port the OS picks. */
export async function startServer(
  spec: ServerSpec,
  benchDir: string,
  label: string,
  options: StartOptions = { cpu: serverCpu },
): Promise<RunningServer> {
  const args = ['--import', 'tsx', spec.file, ...spec.args]
  const [command, commandArgs] = pinnedCommand(options.cpu, process.execPath, args)
  const child = spawn(command, commandArgs, {
    cwd: benchDir,
    env: { ...process.env, ...options.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  live.add(child)
  child.once('exit', () => live.delete(child))
  const announced = JSON.parse(await firstLine(child, label)) as { url: string; pid: number }
  return {
    url: announced.url,
    pid: announced.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
  }
}
