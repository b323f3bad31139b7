import { registerStoreKind } from '@portcullis/core'
import { type RedisStoreOptions, redisStore } from './redis-store'

export {
  defaultRedisCommandTimeoutMs,
  defaultRedisPrefix,
  RedisStore,
  type RedisStoreOptions,
  redisStore,
} from './redis-store'

// Importing this package lets configs (and YAML files) say `store: { redis: { url } }`.
registerStoreKind('redis', (options) => redisStore(options as RedisStoreOptions))
