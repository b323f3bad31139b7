import { execFileSync } from 'node:child_process'
import { availableParallelism, cpus, release } from 'node:os'

/** The machine a run happened on: absolute numbers only hold for it. */
export interface MachineInfo {
  readonly cpuModel: string
  readonly cpuCount: number
  readonly node: string
  readonly kernel: string
  readonly date: string
}

function lscpuModel(): string | undefined {
  try {
    const output = execFileSync('lscpu', { encoding: 'utf8' })
    return /^Model name:\s*(.+)$/m.exec(output)?.[1]?.trim()
  } catch {
    return undefined
  }
}

export function describeMachine(): MachineInfo {
  return {
    cpuModel: lscpuModel() ?? cpus()[0]?.model ?? 'unknown',
    cpuCount: availableParallelism(),
    node: process.version,
    kernel: release(),
    date: new Date().toISOString(),
  }
}
