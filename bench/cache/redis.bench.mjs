// Redis backend get() against a bare ioredis get(), both with auto-pipelining,
// 100 gets in flight at a time, on the local Redis (REDIS_URL).
//   node bench/cache/redis.bench.mjs [--rounds 7]
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createCache } from '@manouche/cache';
import { flags, fmt, machine, median, table } from '../lib/stats.mjs';
import { paired } from './paired.mjs';

const opts = { rounds: 7, ...flags() };
const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const prefix = `bench-cache-${randomBytes(4).toString('hex')}`;
const KEYS = Array.from({ length: 1000 }, (_, i) => `fragment:${i}`);
const FRAGMENT = `<ul>${Array.from({ length: 5 }, (_, i) => `<li><a href="/articles/${i}/">Article ${i}</a></li>`).join('')}</ul>`;
const CONCURRENCY = 100;

const bare = new Redis(url, { enableAutoPipelining: true });
const cache = createCache({ BACKEND: 'redis', LOCATION: url, KEY_PREFIX: prefix });
for (const key of KEYS) {
  await bare.set(`${prefix}:bare:${key}`, FRAGMENT, 'EX', 600);
  await cache.set(key, FRAGMENT, 600);
}
const bareKeys = KEYS.map((key) => `${prefix}:bare:${key}`);

/** `ops` gets, `CONCURRENCY` in flight at a time. */
const batches = (get, keys) => async (ops) => {
  for (let done = 0; done < ops; done += CONCURRENCY) {
    const values = await Promise.all(Array.from({ length: CONCURRENCY }, (_, j) => get(keys[(done + j) % 1000])));
    if (values[0] === undefined || values[0] === null) throw new Error('miss');
  }
};

try {
  const r = await paired('redis', { ioredis: batches((k) => bare.get(k), bareKeys), '@manouche/cache': batches((k) => cache.get(k), KEYS) }, { rounds: opts.rounds, chunks: 20, chunkOps: 5000 });
  console.log(`\n${await machine()}; Redis ${url}; ${opts.rounds} rounds, each 20 alternating chunks of 5,000 gets (100 in flight) per contender\n`);
  console.log(
    table(
      ['value', 'bare ioredis get (µs)', '@manouche/cache get (µs)', 'ratio (median of rounds)', 'target', ''],
      [['string (a cached fragment)', fmt(median(r.ioredis) / 1000, 2), fmt(median(r['@manouche/cache']) / 1000, 2), `${fmt(r.median, 2)}×`, '≤ 1.2×', r.median <= 1.2 ? 'met' : 'MISSED']],
    ),
  );
} finally {
  await cache.clear();
  await cache.close();
  const stale = await bare.keys(`${prefix}:bare:*`);
  if (stale.length) await bare.del(...stale);
  await bare.quit();
}
