import { randomUUID } from 'node:crypto';
import { caches } from '@manouche/cache';
import { type HttpRequest, JsonResponse, requireSafe } from '@manouche/core';
import { getConnection } from '@manouche/orm';

/** How long a check may take before the service counts as down (ms). */
const CHECK_TIMEOUT = 2000;

async function withTimeout(check: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT} ms`)), CHECK_TIMEOUT);
  });
  try {
    await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function checkDatabase(): Promise<void> {
  await getConnection().query('SELECT 1');
}

/** A write and a read back: a cache that drops writes (Redis down, `onError: 'warn'`) fails it too. */
async function checkCache(): Promise<void> {
  const cache = caches.default;
  const key = `healthz:${randomUUID()}`;
  await cache.set(key, 1, 10);
  const value = await cache.get(key);
  await cache.delete(key);
  if (value !== 1) throw new Error('the value written could not be read back');
}

/**
 * `/healthz` for load balancers: 200 `{ status: 'ok' }` when the database
 * and the cache answer, 503 naming what is down otherwise. The reasons are
 * logged, not shown.
 */
export const healthz = requireSafe(async (request: HttpRequest) => {
  const probe = async (name: string, check: () => Promise<void>): Promise<'ok' | 'unavailable'> => {
    try {
      await withTimeout(check);
      return 'ok';
    } catch (error) {
      request.app.logger.warn(`Health check: the ${name} is unavailable.`, { error: error as Error });
      return 'unavailable';
    }
  };
  const [database, cache] = await Promise.all([probe('database', checkDatabase), probe('cache', checkCache)]);
  const ok = database === 'ok' && cache === 'ok';
  const response = new JsonResponse({ status: ok ? 'ok' : 'unavailable', checks: { database, cache } }, { status: ok ? 200 : 503 });
  response.headers.set('cache-control', 'no-store');
  return response;
});
