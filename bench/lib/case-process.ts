import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { pinnedCommand, serverCpu } from './pinning'

const execFileAsync = promisify(execFile)

/**
 * Runs this script again in a process of its own, pinned to the server's CPU, with `variable` set to
 * `value` (which case to run), and returns the JSON the case printed as its last line. Cases timed in
 * one process warm the JIT for each other, so each gets its own.
 */
export async function runCaseProcess<Result>(variable: string, value: string): Promise<Result> {
  const script = process.argv[1]
  if (script === undefined) throw new Error('no script to re-run')
  const [command, args] = pinnedCommand(serverCpu, process.execPath, [...process.execArgv, script])
  const { stdout } = await execFileAsync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, [variable]: value },
  })
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Result
}
