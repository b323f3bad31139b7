export {
  defaultRedisCommandTimeoutMs,
  defaultRedisPrefix,
  RedisStore,
  type RedisStoreOptions,
  redisStore,
} from './redis-store'
