// The cache API
export { Cache } from './cache';
export type { CacheOptions, GetOrSetOptions, KeyOptions, SetOptions } from './cache';
export { caches, CacheHandler, createCache, createCaches } from './handler';
export type { CachesHolder, CreateCacheOptions } from './handler';
export { DEFAULT_TIMEOUT } from './config';
export type { BackendName, CacheConfig, CachesSetting, Timeout } from './config';
export { defaultKeyFunction, MAX_KEY_LENGTH, validateKey } from './keys';
export type { KeyFunction } from './keys';
export { decode, encode } from './serializer';
export { CacheError, CacheUnavailableError, CacheValueError, InvalidCacheBackendError, InvalidCacheKey, InvalidCacheTimeout, MissingKeyError } from './errors';

// Backends (the Redis ones are in '@manouche/cache/redis', the database one in '@manouche/cache/orm')
export { StaleValue, systemClock } from './backend';
export type { BackendParams, CacheBackend, CacheBackendClass, Clock, WriteOptions } from './backend';
export { MemoryBackend } from './backends/memory';
export type { MemoryBackendOptions } from './backends/memory';
export { DummyBackend } from './backends/dummy';

// The app and settings
export { cacheApp, cachesCheck, createcachetableCommand } from './app';
export type { CacheAppConfig } from './app';
export { cacheDefaults } from './settings';
export type { CacheSettings } from './settings';

// Pages, views and fragments
export { cacheMiddleware, fetchFromCacheMiddleware, updateCacheMiddleware } from './http/middleware';
export { cacheControl, cachePage, neverCache, varyOnCookie, varyOnHeaders } from './http/decorators';
export type { CacheControlDirectives, CachePageOptions } from './http/decorators';
export { PageCache } from './http/page-cache';
export type { PageCacheOptions, PageTags } from './http/page-cache';
export { getMaxAge, patchResponseHeaders } from './http/cache-keys';
export { cacheFragment } from './fragments';
export { makeTemplateFragmentKey } from '@manouche/core';
export type { FragmentOptions } from './fragments';
