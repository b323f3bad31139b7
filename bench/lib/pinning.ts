import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** The server gets CPU 0 and the load generator CPU 1, so they never compete for a core. */
export const serverCpu = 0
export const loadCpu = 1

let tasksetFound: boolean | undefined

/** Whether `taskset` (util-linux) is on this machine; without it the runs go unpinned, and the report says so. */
export function canPin(): boolean {
  if (tasksetFound === undefined) {
    try {
      execFileSync('taskset', ['-V'], { stdio: 'ignore' })
      tasksetFound = true
    } catch {
      tasksetFound = false
    }
  }
  return tasksetFound
}

/** A command line that runs `command` pinned to one CPU when it can. */
export function pinnedCommand(cpu: number, command: string, args: readonly string[]): [string, string[]] {
  return canPin() ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, [...args]]
}

/** The CPUs a running process may use, as /proc lists them (e.g. `0`); checks the pin really took. */
export function allowedCpus(pid: number): string | undefined {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1]
}
