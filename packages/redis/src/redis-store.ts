import { randomUUID } from 'node:crypto'
import type { CounterValue, SlidingWindowResult, Store } from '@portcullis/core'
import { type Cluster, Redis } from 'ioredis'
import { defineStoreCommands, type StoreCommands } from './store-scripts'

/** Options of {@link RedisStore}: give exactly one of `client` and `url`. */
export interface RedisStoreOptions {
  /** An ioredis client or Cluster the app owns (not closed by the store). */
  client?: Redis | Cluster
  /** A connection URL (`redis://` or `rediss://`); the store owns the client it creates and closes it. */
  url?: string
  /** Prepended to every key, default `'portcullis:'`, so several apps can share one Redis. */
  prefix?: string
  /** Each command's deadline in ms, default 250. A command that misses it rejects; nothing hangs. */
  commandTimeoutMs?: number
}

/** The key prefix used when none is given. */
export const defaultRedisPrefix = 'portcullis:'
/** The per-command deadline used when none is given, in milliseconds. */
export const defaultRedisCommandTimeoutMs = 250

/**
 * A {@link Store} on Redis, shared by every gateway instance that points at it. Each operation is
 * one round trip touching exactly one key (`prefix + key`), so it also works on Redis Cluster;
 * callers that need several keys in one slot put a `{hash tag}` in them. Every call settles within
 * `commandTimeoutMs`: while Redis is unreachable calls reject at once or at the deadline (a command
 * that timed out may still run later on an app-owned client with an offline queue).
 */
export class RedisStore implements Store {
  readonly shared = true
  readonly #client: Redis | Cluster
  readonly #commands: StoreCommands
  readonly #owned: boolean
  readonly #prefix: string
  readonly #timeoutMs: number
  readonly #secrets: string[] = []
  // A client the store created rejects commands until its first connect; they wait for it instead.
  #firstReady: Promise<void> | undefined
  #closed = false

  constructor(options: RedisStoreOptions) {
    if ((options.client === undefined) === (options.url === undefined)) {
      throw new TypeError('RedisStore needs exactly one of `client` and `url`')
    }
    this.#prefix = options.prefix ?? defaultRedisPrefix
    this.#timeoutMs = options.commandTimeoutMs ?? defaultRedisCommandTimeoutMs
    if (!(this.#timeoutMs > 0 && Number.isFinite(this.#timeoutMs))) {
      throw new RangeError('RedisStore commandTimeoutMs must be a positive number')
    }
    this.#owned = options.client === undefined
    this.#client = options.client ?? this.#connect(options.url ?? '')
    this.#commands = defineStoreCommands(this.#client)
  }

  async get(key: string): Promise<string | undefined> {
    return this.#run('GET', async () => (await this.#client.get(this.#prefix + key)) ?? undefined)
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const name = this.#prefix + key
    const ttl = ttlMs === undefined ? undefined : toPositiveMs(ttlMs, 'ttlMs')
    await this.#run('SET', () =>
      ttl === undefined ? this.#client.set(name, value) : this.#client.set(name, value, 'PX', ttl),
    )
  }

  async delete(key: string): Promise<void> {
    await this.#run('DEL', () => this.#client.del(this.#prefix + key))
  }

  /** Redis counters are integers: `by` must be a safe integer. */
  async increment(key: string, by: number, ttlMs: number): Promise<CounterValue> {
    if (!Number.isSafeInteger(by)) throw new RangeError('RedisStore increments by whole numbers only')
    const ttl = toPositiveMs(ttlMs, 'ttlMs')
    const [value, remaining] = await this.#run('increment', () =>
      this.#commands.portcullisIncrement(this.#prefix + key, by, ttl),
    )
    return { value, ttlMs: Math.max(0, remaining) }
  }

  async slidingWindowHit(key: string, limit: number, windowMs: number, now: number): Promise<SlidingWindowResult> {
    const window = toPositiveMs(windowMs, 'windowMs')
    // Unique even when several instances record a hit at the same millisecond.
    const member = `${now}:${randomUUID()}`
    const [allowed, count, resetMs] = await this.#run('sliding window hit', () =>
      this.#commands.portcullisSlidingWindowHit(this.#prefix + key, limit, window, now, member),
    )
    return { allowed: allowed === 1, count, resetMs: Math.max(0, resetMs) }
  }

  /** Quits the client when the store created it from a URL; an app-owned client is left open. */
  async close(): Promise<void> {
    if (!this.#owned || this.#closed) return
    this.#closed = true
    if (this.#client.status === 'ready') await this.#run('QUIT', () => this.#client.quit()).catch(() => undefined)
    // Stops reconnecting too, whether or not QUIT got through.
    this.#client.disconnect()
  }

  #connect(url: string): Redis {
    const parsed = URL.canParse(url) ? new URL(url) : undefined
    // Never echo the URL: it may carry a password.
    if (parsed?.protocol !== 'redis:' && parsed?.protocol !== 'rediss:') {
      throw new TypeError('RedisStore url must be a redis:// or rediss:// URL')
    }
    if (parsed.password) this.#secrets.push(url, parsed.password, decodeURIComponent(parsed.password))
    const client = new Redis(url, {
      // Fail fast while disconnected instead of queueing work that would run long after its deadline.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.#timeoutMs,
      // Keep trying forever, at most once a second, so the store heals when Redis is back.
      retryStrategy: (times) => Math.min(times * 50, 1000),
      lazyConnect: false,
    })
    // Connection errors surface as rejected calls; an unhandled 'error' event must not crash the app.
    client.on('error', () => undefined)
    this.#firstReady = new Promise<void>((resolve) => client.once('ready', resolve)).then(() => {
      this.#firstReady = undefined
    })
    return client
  }

  /** Runs one command against the deadline and turns any failure into an Error naming Redis. */
  async #run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${this.#timeoutMs} ms`)), this.#timeoutMs)
    })
    const pending = (async () => {
      if (this.#firstReady) await this.#firstReady
      return work()
    })()
    try {
      // A late rejection of `pending` is still handled: race subscribed to it.
      return await Promise.race([pending, deadline])
    } catch (error) {
      throw new Error(
        `Redis ${operation} failed: ${this.#redact(error instanceof Error ? error.message : String(error))}`,
      )
    } finally {
      clearTimeout(timer)
    }
  }

  #redact(message: string): string {
    return this.#secrets.reduce((text, secret) => text.replaceAll(secret, '***'), message)
  }
}

/** Creates a {@link RedisStore}. */
export function redisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options)
}

/** A whole, positive number of milliseconds (Redis expiries are integers and must be > 0). */
function toPositiveMs(ms: number, name: string): number {
  if (!Number.isFinite(ms)) throw new RangeError(`RedisStore ${name} must be a finite number`)
  return Math.max(1, Math.ceil(ms))
}
