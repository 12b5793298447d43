// A page served from the page cache (memory backend, the middleware pair)
// against rendering it, side by side in one run.
//   node bench/cache/page.bench.mjs [--rounds 5] [--seconds 4] [--connections 64]
// The page is TechEmpower's fortunes (a PostgreSQL query, one added row, a
// sort, an escaped HTML table), built with @manouche/core only; a second test
// renders the same page from data in memory, to show the cache against pure
// rendering too. PostgreSQL from BENCH_DATABASE_URL (default the local server).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { compare, pairedRatio } from '../lib/compare.mjs';
import { generator } from '../lib/load.mjs';
import { flags, fmt, machine, median, table } from '../lib/stats.mjs';
import { FORTUNES } from './servers/fortunes-app.mjs';

const opts = { rounds: 5, seconds: 4, connections: 64, warmup: 3, ...flags() };
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const databaseUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `bench_cache_${randomBytes(4).toString('hex')}`;

const admin = new pg.Client({ connectionString: databaseUrl });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
await admin.query(`CREATE TABLE ${schema}.fortune (id integer PRIMARY KEY, message varchar(2048) NOT NULL)`);
for (const [id, message] of FORTUNES) await admin.query(`INSERT INTO ${schema}.fortune VALUES ($1, $2)`, [id, message]);

const fortunes = (body) => (body.includes('<td>&lt;script&gt;alert(&quot;This should not be displayed') && body.includes('Additional fortune added at request time.') ? null : `unexpected body ${body.slice(0, 200)}`);
const tests = {
  'fortunes (PostgreSQL query + render)': { path: '/fortunes/', check: fortunes, target: 3 },
  'fortunes from memory (render only)': { path: '/fortunes-memory/', check: fortunes, target: undefined },
};

try {
  const { sequential, concurrent } = await compare({ rendered: here('servers/render.mjs'), cached: here('servers/cached.mjs') }, tests, { ...opts, env: { BENCH_DATABASE_URL: databaseUrl, BENCH_SCHEMA: schema } });
  const rows = Object.entries(tests).map(([label, { target }]) => {
    const ratio = pairedRatio(concurrent[label].cached, concurrent[label].rendered);
    return [
      label,
      fmt(median(sequential[label].rendered.rps)),
      fmt(median(sequential[label].cached.rps)),
      `${fmt(pairedRatio(sequential[label].cached, sequential[label].rendered), 2)}×`,
      `${fmt(ratio, 2)}×`,
      target ? `≥ ${target}×` : '—',
      target ? (ratio >= target ? 'met' : 'MISSED') : 'for information',
    ];
  });
  console.log(`\n${await machine()}; load: ${generator} on its own CPU, ${opts.connections} connections, ${opts.rounds} rounds of ${opts.seconds}s\n`);
  console.log(table(['page', 'rendered req/s (alone)', 'cached req/s (alone)', 'ratio, alone (noisy)', 'ratio, same core same moment', 'target', ''], rows));
} finally {
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
