// @manouche/orm on PostgreSQL against raw pg named prepared statements and plain TypeORM, in one
// process, interleaved (see interleave.mjs), on a throwaway database of the local server
// (PGHOST/PGPORT/PGUSER/PGPASSWORD, default postgres@127.0.0.1:5432).
//   node bench/orm/postgres.bench.mjs [--rounds 5] [--chunks 20] [--tests pk,list]
// Build first: npx turbo run build --filter=@manouche/orm...
import { loadavg } from 'node:os';
import { flags, machine, table } from '../lib/stats.mjs';
import { interleaved, RESULT_HEADER, resultRows } from './interleave.mjs';
import { Article, ARTICLES, CATEGORIES, postgresSetup } from './setup.mjs';

const opts = { rounds: 5, chunks: 20, tests: 'pk,list', ...flags() };
const only = new Set(String(opts.tests).split(','));
const COLUMNS = 'id, title, body, views, category, published_at, active, author_id';

const env = await postgresSetup();
const { raw, typeorm } = env;
const articles = typeorm.getRepository('Article');
const ids = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % ARTICLES) + 1);
const must = (ok, what) => {
  if (!ok) throw new Error(`wrong result: ${what}`);
};

// raw: named statements, parsed and planned once per connection, rows as pg returns them
const byPk = { name: 'bench_pk', text: `SELECT ${COLUMNS} FROM bench_article WHERE id = $1` };
const list = { name: 'bench_list', text: `SELECT ${COLUMNS} FROM bench_article WHERE category = $1 ORDER BY published_at DESC LIMIT 20` };

const scenarios = {
  pk: {
    label: 'get by primary key',
    target: 1.5,
    contenders: {
      'raw pg': async (ops) => {
        for (let i = 0; i < ops; i++) must((await raw.query({ ...byPk, values: [ids[i % 1000]] })).rows.length === 1, 'raw pk');
      },
      '@manouche/orm': async (ops) => {
        for (let i = 0; i < ops; i++) must((await Article.objects.get({ pk: ids[i % 1000] })).id === ids[i % 1000], 'orm pk');
      },
      'TypeORM findOneBy': async (ops) => {
        for (let i = 0; i < ops; i++) must((await articles.findOneBy({ id: ids[i % 1000] })) !== null, 'typeorm pk');
      },
    },
  },
  list: {
    label: '20-row filtered, ordered list (indexed)',
    target: 1.5,
    contenders: {
      'raw pg': async (ops) => {
        for (let i = 0; i < ops; i++) must((await raw.query({ ...list, values: [i % CATEGORIES] })).rows.length === 20, 'raw list');
      },
      '@manouche/orm': async (ops) => {
        for (let i = 0; i < ops; i++) must((await Article.objects.filter({ category: i % CATEGORIES }).orderBy('-publishedAt').slice(0, 20)).length === 20, 'orm list');
      },
      'TypeORM find': async (ops) => {
        for (let i = 0; i < ops; i++) must((await articles.find({ where: { category: i % CATEGORIES }, order: { publishedAt: 'DESC' }, take: 20 })).length === 20, 'typeorm list');
      },
    },
  },
};

const results = [];
try {
  for (const [key, scenario] of Object.entries(scenarios)) {
    if (!only.has(key)) continue;
    results.push([scenario, await interleaved(scenario.label, scenario.contenders, opts)]);
  }
} finally {
  await env.close();
}

console.log(`\n${await machine()}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; PostgreSQL (local server, pg pools of 10); ${opts.rounds} rounds × ${opts.chunks} interleaved chunks; ratio = median over rounds of the per-chunk ratio to raw\n`);
console.log(table(RESULT_HEADER, resultRows(results, '@manouche/orm')));
