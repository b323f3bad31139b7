import type { Cluster, Redis } from 'ioredis'

/**
 * INCRBY, then give a key without an expiry (a new counter) its TTL, in one atomic step so a
 * crash between the two can never leave an immortal counter. Returns `{value, pttl}`.
 */
const incrementScript = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {value, ttl}
`

/**
 * A sliding-window log on one sorted set (score = hit time). Drops hits at or before
 * `now - window`, records this hit only while fewer than `limit` remain, and reports when the
 * oldest hit leaves the window. The member comes from the caller (ARGV[4]) so equal `now`s stay
 * distinct without a second key, and the script stays deterministic for replication.
 * Returns `{allowed (0/1), count, resetMs}`.
 */
const slidingWindowScript = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, ARGV[3], ARGV[4])
  redis.call('PEXPIRE', key, ARGV[2])
  count = count + 1
  allowed = 1
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local reset = 0
if oldest[2] then reset = tonumber(oldest[2]) + window - now end
return {allowed, count, reset}
`

/**
 * The store's Lua scripts as client methods. Each touches exactly one key (KEYS[1]), so each is
 * Cluster-safe. ioredis sends them with EVALSHA and falls back to EVAL when a server (a restarted
 * or new Cluster node) has not cached the script yet.
 */
export interface StoreCommands {
  /** Runs the increment script: resolves to `[value, pttl]`. */
  portcullisIncrement(key: string, by: number, ttlMs: number): Promise<[number, number]>
  /** Runs the sliding-window script: resolves to `[allowed, count, resetMs]`. */
  portcullisSlidingWindowHit(
    key: string,
    limit: number,
    windowMs: number,
    now: number,
    member: string,
  ): Promise<[number, number, number]>
}

/**
 * Defines the store's scripts on a client and returns it typed with them. Defining them again on
 * a client another store already prepared is harmless: the names and scripts are the same.
 */
export function defineStoreCommands(client: Redis | Cluster): StoreCommands {
  client.defineCommand('portcullisIncrement', { numberOfKeys: 1, lua: incrementScript })
  client.defineCommand('portcullisSlidingWindowHit', { numberOfKeys: 1, lua: slidingWindowScript })
  // defineCommand adds the methods at run time; ioredis cannot type them.
  return client as unknown as StoreCommands
}
