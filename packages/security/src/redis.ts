export { RedisStore } from './ratelimit/redis-store';
export type { RedisScriptClient, RedisStoreOptions } from './ratelimit/redis-store';
