import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { freePort } from '@portcullis/testing'

const run = promisify(execFile)

/** A private Redis Cluster a test owns: three masters on 127.0.0.1, no replicas. */
export interface RedisCluster {
  /** The masters, ready to seed an ioredis `Cluster`. */
  readonly nodes: { host: string; port: number }[]
  /** SIGKILLs every node and removes the cluster's directory (config files). */
  stop(): Promise<void>
}

// Started nodes and directories; a crashed test worker must not leave them behind.
const children = new Set<ChildProcess>()
const dirs = new Set<string>()
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Fails with a clear message instead of an ENOENT deep inside a spawn (a PATH scan, like `which`). */
function requireBinary(name: string): void {
  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  const found = pathDirs.some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
  if (!found) {
    throw new Error(`${name} is not on PATH: the Redis Cluster tests need redis-server and redis-cli`)
  }
}

async function isFree(port: number): Promise<boolean> {
  const server = createServer()
  return new Promise((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/**
 * A free port whose cluster bus port (port + 10000) is free too, and neither collides with `taken`.
 * Ports above 55535 are skipped: their bus port would not exist.
 */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort()
    const clashes = [port, port + 10000].some((p) => taken.has(p) || taken.has(p - 10000))
    if (port <= 55535 && !clashes && (await isFree(port + 10000))) return port
  }
  throw new Error('found no free port pair for a Redis Cluster node')
}

/** Whether `redis-cli` against `port` prints something matching `expected`. */
async function cliSays(port: number, args: string[], expected: RegExp): Promise<boolean> {
  const reply = await run('redis-cli', ['-p', String(port), ...args], { timeout: 2000 }).catch(() => undefined)
  return reply !== undefined && expected.test(reply.stdout)
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await sleep(50)) {
    if (await check()) return
  }
  throw new Error(`Redis Cluster: timed out waiting for ${what}`)
}

/** Starts one cluster-enabled node; resolves once it answers PING, rejects if it exits first. */
async function startNode(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes']
  args.push('--cluster-config-file', join(dir, `nodes-${port}.conf`), '--save', '', '--appendonly', 'no')
  args.push('--dir', dir)
  const child = spawn('redis-server', args, { stdio: 'ignore' })
  children.add(child)
  child.once('exit', () => children.delete(child))
  await waitFor(
    `redis-server on port ${port}`,
    async () => {
      if (!children.has(child)) throw new Error(`redis-server on port ${port} exited (port taken?)`)
      return cliSays(port, ['ping'], /PONG/)
    },
    5000,
  )
  return child
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

/** Starts three masters, joins them into one cluster and waits until every node says it is ok. */
export async function startRedisCluster(): Promise<RedisCluster> {
  requireBinary('redis-server')
  requireBinary('redis-cli')
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-cluster-'))
  dirs.add(dir)
  const started: ChildProcess[] = []
  const stop = async () => {
    await Promise.all(started.map(kill))
    rmSync(dir, { recursive: true, force: true })
    dirs.delete(dir)
  }
  try {
    const ports: number[] = []
    const taken = new Set<number>()
    for (let i = 0; i < 3; i++) {
      const port = await freeClusterPort(taken)
      taken.add(port)
      started.push(await startNode(port, dir))
      ports.push(port)
    }
    const addresses = ports.map((port) => `127.0.0.1:${port}`)
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 20_000,
    })
    // Every node, not just the first: a client may ask any of them for the slot map.
    for (const port of ports) {
      await waitFor(`cluster_state:ok on ${port}`, () => cliSays(port, ['cluster', 'info'], /cluster_state:ok/), 15_000)
    }
    return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop }
  } catch (error) {
    await stop()
    throw error
  }
}
