import { getConnection } from '@manouche/orm';
import { createSite } from './support';

describe('/healthz', () => {
  it('answers 200 when the database and the cache answer', async () => {
    const site = await createSite();
    try {
      const response = await site.client().get('/healthz');
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({ status: 'ok', checks: { database: 'ok', cache: 'ok' } });
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.response.cookies.size).toBe(0);
    } finally {
      await site.close();
    }
  });

  it('answers 503 naming the database when it is down', async () => {
    const site = await createSite();
    try {
      await getConnection().close();
      const response = await site.client().get('/healthz');
      expect(response.status).toBe(503);
      expect(response.json()).toEqual({ status: 'unavailable', checks: { database: 'unavailable', cache: 'ok' } });
    } finally {
      await site.close().catch(() => undefined);
    }
  });

  it('answers 503 naming the cache when Redis cannot be reached', async () => {
    // nothing listens on port 1: the Redis cache behaves as an empty cache that drops writes
    const site = await createSite({ env: { CACHE_URL: 'redis://127.0.0.1:1' } });
    try {
      const response = await site.client().get('/healthz');
      expect(response.status).toBe(503);
      expect(response.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', cache: 'unavailable' } });
      // the pages themselves keep working without the cache
      expect((await site.client().get('/')).status).toBe(200);
    } finally {
      await site.close();
    }
  });
});
