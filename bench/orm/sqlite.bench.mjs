// @manouche/orm on SQLite against raw prepared better-sqlite3 statements and plain TypeORM, in one
// process, interleaved (see interleave.mjs).
//   node bench/orm/sqlite.bench.mjs [--rounds 5] [--chunks 20] [--tests pk,list,hydrate,prefetch]
// Build first: npx turbo run build --filter=@manouche/orm...
import { loadavg } from 'node:os';
import { captureQueries } from '@manouche/orm';
import { flags, fmt, machine, table } from '../lib/stats.mjs';
import { interleaved, RESULT_HEADER, resultRows } from './interleave.mjs';
import { Article, ARTICLES, Author, CATEGORIES, sqliteSetup } from './setup.mjs';

const opts = { rounds: 5, chunks: 20, tests: 'pk,list,hydrate,prefetch', ...flags() };
const only = new Set(String(opts.tests).split(','));
const COLUMNS = 'id, title, body, views, category, published_at, active, author_id';

const env = await sqliteSetup();
const { raw, typeorm } = env;
const articles = typeorm.getRepository('Article');
const authors = typeorm.getRepository('Author');

// raw: what a careful hand-written data layer does — statements prepared once, rows as the driver returns them
const byPk = raw.prepare(`SELECT ${COLUMNS} FROM bench_article WHERE id = ?`);
const list = raw.prepare(`SELECT ${COLUMNS} FROM bench_article WHERE category = ? ORDER BY published_at DESC LIMIT 20`);
const everything = raw.prepare(`SELECT ${COLUMNS} FROM bench_article`);
const everythingRaw = raw.prepare(`SELECT ${COLUMNS} FROM bench_article`).raw(true);
const parents = raw.prepare('SELECT id, name, email FROM bench_author ORDER BY id LIMIT 100');
const childrenOf = raw.prepare(`SELECT ${COLUMNS} FROM bench_article WHERE author_id IN (${Array(100).fill('?').join(', ')})`);

const ids = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % ARTICLES) + 1);
const must = (ok, what) => {
  if (!ok) throw new Error(`wrong result: ${what}`);
};

const scenarios = {
  pk: {
    label: 'get by primary key',
    target: 1.5,
    contenders: {
      'raw better-sqlite3': async (ops) => {
        for (let i = 0; i < ops; i++) must(byPk.get(ids[i % 1000]) !== undefined, 'raw pk');
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
      'raw better-sqlite3': async (ops) => {
        for (let i = 0; i < ops; i++) must(list.all(i % CATEGORIES).length === 20, 'raw list');
      },
      '@manouche/orm': async (ops) => {
        for (let i = 0; i < ops; i++) must((await Article.objects.filter({ category: i % CATEGORIES }).orderBy('-publishedAt').slice(0, 20)).length === 20, 'orm list');
      },
      'TypeORM find': async (ops) => {
        for (let i = 0; i < ops; i++) must((await articles.find({ where: { category: i % CATEGORIES }, order: { publishedAt: 'DESC' }, take: 20 })).length === 20, 'typeorm list');
      },
    },
  },
  hydrate: {
    label: `hydrating ${fmt(ARTICLES)} rows`,
    target: 1.3,
    contenders: {
      'raw better-sqlite3': async (ops) => {
        for (let i = 0; i < ops; i++) must(everything.all().length === ARTICLES, 'raw all');
      },
      '@manouche/orm': async (ops) => {
        for (let i = 0; i < ops; i++) must((await Article.objects.all()).length === ARTICLES, 'orm all');
      },
      'TypeORM find': async (ops) => {
        for (let i = 0; i < ops; i++) must((await articles.find()).length === ARTICLES, 'typeorm all');
      },
      // for information: the arrays the ORM reads before building its instances (no column names per row)
      'raw better-sqlite3, rows as arrays': async (ops) => {
        for (let i = 0; i < ops; i++) must(everythingRaw.all().length === ARTICLES, 'raw arrays');
      },
    },
  },
  prefetch: {
    label: 'prefetchRelated: 100 authors × 10 articles',
    target: 2,
    contenders: {
      'raw better-sqlite3 (2 queries)': async (ops) => {
        for (let i = 0; i < ops; i++) {
          const people = parents.all();
          const byAuthor = new Map(people.map((p) => [p.id, (p.articles = [])]));
          for (const a of childrenOf.all(people.map((p) => p.id))) byAuthor.get(a.author_id).push(a);
          must(people[99].articles.length === 10, 'raw prefetch');
        }
      },
      '@manouche/orm': async (ops) => {
        for (let i = 0; i < ops; i++) {
          const people = await Author.objects.orderBy('id').slice(0, 100).prefetchRelated('articles');
          must((await people[99].articles.all()).length === 10, 'orm prefetch');
        }
      },
      'TypeORM find with relations': async (ops) => {
        for (let i = 0; i < ops; i++) must((await authors.find({ relations: { articles: true }, order: { id: 'ASC' }, take: 100 }))[99].articles.length === 10, 'typeorm prefetch');
      },
    },
  },
};

// prefetchRelated must stay at two queries, whatever the timing says
const { queries } = await captureQueries(async () => {
  const people = await Author.objects.orderBy('id').slice(0, 100).prefetchRelated('articles');
  for (const p of people) must((await p.articles.all()).length === 10, 'prefetched articles');
});
must(queries.length === 2, `prefetchRelated ran ${queries.length} queries`);

const results = [];
for (const [key, scenario] of Object.entries(scenarios)) {
  if (!only.has(key)) continue;
  results.push([scenario, await interleaved(scenario.label, scenario.contenders, opts)]);
}
await env.close();

console.log(`\n${await machine()}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; SQLite (better-sqlite3, WAL file); ${opts.rounds} rounds × ${opts.chunks} interleaved chunks; ratio = median over rounds of the per-chunk ratio to raw\n`);
console.log(table(RESULT_HEADER, resultRows(results, '@manouche/orm')));
