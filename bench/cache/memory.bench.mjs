// Memory backend get() against a bare lru-cache get(), in one process.
//   node bench/cache/memory.bench.mjs [--rounds 7]
// Both are awaited the same way (an async caller, as in a view), over the
// same 1,000 keys; contenders alternate in chunks of 10,000 gets.
import { LRUCache } from 'lru-cache';
import { createCache } from '@manouche/cache';
import { flags, fmt, machine, median, table } from '../lib/stats.mjs';
import { paired } from './paired.mjs';

const opts = { rounds: 7, ...flags() };
const KEYS = Array.from({ length: 1000 }, (_, i) => `fragment:${i}`);
const FRAGMENT = `<ul>${Array.from({ length: 5 }, (_, i) => `<li><a href="/articles/${i}/">Article ${i}</a></li>`).join('')}</ul>`;
const OBJECT = { id: 42, title: 'Hello', tags: ['a', 'b'], published: true };

async function scenario(label, value, lruOptions = {}) {
  const lru = new LRUCache({ max: 5000, ...lruOptions });
  const cache = createCache({ BACKEND: 'memory', OPTIONS: { MAX_ENTRIES: 5000 } });
  for (const key of KEYS) {
    lru.set(key, value);
    await cache.set(key, value, 300); // the default TIMEOUT
  }
  return paired(label, {
    'lru-cache': async (ops) => {
      for (let i = 0; i < ops; i++) if ((await lru.get(KEYS[i % 1000])) === undefined) throw new Error('miss');
    },
    '@manouche/cache': async (ops) => {
      for (let i = 0; i < ops; i++) if ((await cache.get(KEYS[i % 1000])) === undefined) throw new Error('miss');
    },
  }, { rounds: opts.rounds });
}

const results = [
  ['string value (a cached fragment)', 'bare, no TTL', await scenario('string', FRAGMENT), 1.5],
  ['string value (a cached fragment)', 'with the same 300 s TTL', await scenario('string, TTL baseline', FRAGMENT, { ttl: 300_000 }), undefined],
  ['small object (a decoded copy per read)', 'bare, no TTL (shares one object)', await scenario('object', OBJECT), undefined],
];
console.log(`\n${await machine()}; ${opts.rounds} rounds, each 40 alternating chunks of 10,000 awaited gets per contender; ratio = median of neighbouring chunks' ratios\n`);
console.log(
  table(
    ['value', 'lru-cache baseline', 'lru-cache get (ns)', '@manouche/cache get (ns)', 'ratio (median of rounds)', 'target', ''],
    results.map(([label, baseline, r, target]) => [label, baseline, fmt(median(r['lru-cache']), 1), fmt(median(r['@manouche/cache']), 1), `${fmt(r.median, 2)}×`, target ? `≤ ${target}×` : '—', target ? (r.median <= target ? 'met' : 'MISSED') : 'for information']),
  ),
);
