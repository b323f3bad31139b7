import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createConnection, createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

/** A private redis-server the outage tests may kill without touching the shared one. */
export interface RedisServer {
  /** The TCP port it listens on (127.0.0.1). */
  readonly port: number
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string
  /** SIGKILLs the server (no clean shutdown, like a crash) and waits until it is gone. */
  kill(): Promise<void>
  /**
   * SIGSTOPs the server: connections stay open but nothing is answered, like a hung or overloaded
   * Redis, so clients wait for their deadlines instead of failing at once.
   */
  pause(): void
  /** SIGCONTs a paused server. */
  resume(): void
}

// Each started server and the promise of its exit.
const running = new Map<ChildProcess, Promise<unknown>>()
// A crashed test worker must not leave servers behind.
process.once('exit', () => {
  for (const child of running.keys()) child.kill('SIGKILL')
})

/** A TCP port nothing listens on right now: the OS picks one for a throwaway server. */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return address.port
}

/** Whether something on `port` answers a RESP PING with PONG. */
async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    let reply = ''
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
  })
}

/**
 * Starts `redis-server` on `port` (a fresh one when omitted) with persistence off, and resolves
 * once it answers PING. `--port 0` would disable TCP, hence the explicit port.
 */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  const chosen = port ?? (await freePort())
  const args = ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  const child = spawn('redis-server', args, { stdio: 'ignore' })
  // 'error' too: a missing binary never emits 'exit'.
  const exited = new Promise((resolve) => child.once('exit', resolve).once('error', resolve)).then(() =>
    running.delete(child),
  )
  running.set(child, exited)
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  for (const started = Date.now(); Date.now() - started < 5000; await sleep(20)) {
    if (!running.has(child)) break
    if (await answersPing(chosen)) {
      return {
        port: chosen,
        url: `redis://127.0.0.1:${chosen}`,
        kill,
        pause: () => child.kill('SIGSTOP'),
        resume: () => child.kill('SIGCONT'),
      }
    }
  }
  await kill()
  throw new Error(`redis-server did not start on port ${chosen}`)
}

/** Kills every server this helper started that is still running (for afterEach/afterAll). */
export async function killAllRedisServers(): Promise<void> {
  await Promise.all(
    [...running].map(async ([child, exited]) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    }),
  )
}
