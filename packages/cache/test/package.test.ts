import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedPackage, packPackage, runReadmeExampleFromTarball } from '../../../test-support/readme-example';
import { serviceAvailable } from '../../../test-support/services';
import { REDIS_URL, uniquePrefix } from './support';

describe('the published package', () => {
  it('installs from its tarball into a fresh project, runs the README example, and reaches Redis and a database from both module formats', () => {
    const { stdout, expected, dir } = runReadmeExampleFromTarball('cache', { extra: [installedPackage('ioredis')] });
    expect(stdout).toBe(expected);
    // ioredis is an optional peer: the main entry, memory caches included, never loads it
    const loaded = execFileSync(process.execPath, ['-e', "const { createCache } = require('@manouche/cache'); createCache().set('k', 1).then(() => console.log(Object.keys(require.cache).some((f) => f.includes('ioredis'))))"], { cwd: dir, encoding: 'utf8' });
    expect(loaded.trim()).toBe('false');

    // @manouche/orm is an optional peer too: without it the database backend says what to install
    const missing = execFileSync(process.execPath, ['-e', "require('@manouche/cache').createCache({ BACKEND: 'database' }).get('k').catch((e) => console.log(e.message))"], { cwd: dir, encoding: 'utf8' });
    expect(missing).toContain('uses the database backend, which needs the @manouche/orm package: npm install @manouche/orm');
    // with it, from both module formats, the backend finds the app's connection: the ORM copy of the same format
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error', packPackage('orm', dir), installedPackage('better-sqlite3')], { cwd: dir, stdio: 'pipe' });
    const database = (load: string) => `${load}
(async () => {
  const db = await connect({ ENGINE: 'sqlite', NAME: ':memory:' }, { models: [] });
  const cache = createCache({ BACKEND: 'database' });
  await cache.backend.createTable();
  await cache.set('k', { n: 1 }, { tags: ['t'] });
  console.log(cache.backend instanceof DatabaseBackend, JSON.stringify(await cache.get('k')), await cache.invalidateTags('t'));
  await db.close();
})();
`;
    writeFileSync(join(dir, 'database.mjs'), database("import { connect } from '@manouche/orm';\nimport { createCache } from '@manouche/cache';\nimport { DatabaseBackend } from '@manouche/cache/orm';"));
    writeFileSync(join(dir, 'database.cjs'), database("const { connect } = require('@manouche/orm');\nconst { createCache } = require('@manouche/cache');\nconst { DatabaseBackend } = require('@manouche/cache/orm');"));
    for (const script of ['database.mjs', 'database.cjs']) {
      expect(execFileSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' }).trim()).toBe('true {"n":1} 1');
    }

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
