import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runReadmeExampleFromTarball } from '../../../test-support/readme-example';
import { serviceAvailable } from '../../../test-support/services';
import { REDIS_URL, uniquePrefix } from './support';

describe('the published package', () => {
  it('installs from its tarball into a fresh project, runs the README example, and reaches Redis from both module formats', () => {
    const { stdout, expected, dir } = runReadmeExampleFromTarball('cache', { extra: ['/work/main/node_modules/ioredis'] });
    expect(stdout).toBe(expected);
    // ioredis is an optional peer: the main entry, memory caches included, never loads it
    const loaded = execFileSync(process.execPath, ['-e', "const { createCache } = require('@manouche/cache'); createCache().set('k', 1).then(() => console.log(Object.keys(require.cache).some((f) => f.includes('ioredis'))))"], { cwd: dir, encoding: 'utf8' });
    expect(loaded.trim()).toBe('false');
    if (!serviceAvailable('redis')) {
      console.warn(`Skipped the Redis part of the tarball check: redis is unreachable at ${REDIS_URL}.`);
      return;
    }
    // both module formats, the 'redis' string and the subpath's class, through the installed ioredis
    const body = (load: string) => `${load}
const prefix = ${JSON.stringify(uniquePrefix('tarball'))};
const cache = createCache({ BACKEND: 'redis', LOCATION: ${JSON.stringify(REDIS_URL)}, KEY_PREFIX: prefix });
const tiered = createCache({ BACKEND: TieredBackend, LOCATION: ${JSON.stringify(REDIS_URL)}, KEY_PREFIX: prefix });
(async () => {
  await cache.set('k', { when: new Date(0) });
  const value = await tiered.get('k');
  console.log(cache.backend instanceof RedisBackend, value.when.toISOString());
  await cache.clear();
  await cache.close();
  await tiered.close();
})();
`;
    writeFileSync(join(dir, 'redis.mjs'), body("import { createCache } from '@manouche/cache';\nimport { RedisBackend, TieredBackend } from '@manouche/cache/redis';"));
    writeFileSync(join(dir, 'redis.cjs'), body("const { createCache } = require('@manouche/cache');\nconst { RedisBackend, TieredBackend } = require('@manouche/cache/redis');"));
    for (const script of ['redis.mjs', 'redis.cjs']) {
      expect(execFileSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' }).trim()).toBe('true 1970-01-01T00:00:00.000Z');
    }
  }, 240_000);
});
