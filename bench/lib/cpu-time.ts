import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

let ticksPerSecond: number | undefined

// /proc reports CPU time in clock ticks; getconf tells how many make a second (almost always 100).
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const reported = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    ticksPerSecond = Number.isFinite(reported) && reported > 0 ? reported : 100
  }
  return ticksPerSecond
}

/** The CPU time (user + system, in seconds) another process has used so far, from /proc (Linux only). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Field 2 (the command name) may contain spaces and parentheses: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const userTicks = Number(fields[11])
  const systemTicks = Number(fields[12])
  return (userTicks + systemTicks) / clockTicksPerSecond()
}

/** The CPU time (user + system, in seconds) this process has used so far. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

/**
 * The CPU time (in seconds) the whole machine has spent busy so far: every CPU's time that was not
 * idle or waiting for I/O, steal (a hypervisor giving the CPU to another guest) included. From
 * /proc/stat (Linux only).
 */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? ''
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is in user already)
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number)
  const busyTicks = [user, nice, system, irq, softirq, steal].reduce((sum: number, ticks) => sum + (ticks ?? 0), 0)
  return busyTicks / clockTicksPerSecond()
}
