import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { LoadRequest, LoadResult } from './load-protocol'
import { loadCpu, pinnedCommand } from './pinning'

const execFileAsync = promisify(execFile)

/** Runs `load.ts` in its own process, pinned to the load CPU, and returns what it measured. */
export async function runLoad(request: LoadRequest, benchDir: string): Promise<LoadResult> {
  const args = ['--import', 'tsx', 'load.ts', JSON.stringify(request)]
  const [command, commandArgs] = pinnedCommand(loadCpu, process.execPath, args)
  const { stdout } = await execFileAsync(command, commandArgs, { cwd: benchDir, encoding: 'utf8' })
  const lastLine = stdout.trim().split('\n').pop() ?? ''
  return JSON.parse(lastLine) as LoadResult
}
