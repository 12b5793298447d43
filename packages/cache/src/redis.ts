// `@manouche/cache/redis`: the backends that share a cache between processes
// through Redis (ioredis, an optional peer dependency).
export { RedisBackend } from './backends/redis';
export type { RedisBackendOptions, RedisClient } from './backends/redis';
export { TieredBackend } from './backends/tiered';
export type { TieredBackendOptions } from './backends/tiered';
