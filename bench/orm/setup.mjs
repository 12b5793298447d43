// The schema and data every ORM benchmark uses, built once per run: 1,000 authors with 10
// articles each (10,000 articles in 50 categories, indexed on (category, published_at)), the
// same tables seen three ways — @manouche/orm models, plain TypeORM EntitySchemas, and the raw
// driver.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASCADE, connect, createTables, defineModel, fields } from '@manouche/orm';
import { DataSource, EntitySchema } from 'typeorm';

export const AUTHORS = 1000;
export const ARTICLES_PER_AUTHOR = 10;
export const ARTICLES = AUTHORS * ARTICLES_PER_AUTHOR;
export const CATEGORIES = 50;

export const Author = defineModel('bench.Author', {
  fields: { name: fields.CharField({ maxLength: 100 }), email: fields.EmailField() },
});
export const Article = defineModel('bench.Article', {
  fields: {
    title: fields.CharField({ maxLength: 200 }),
    body: fields.TextField(),
    views: fields.IntegerField(),
    category: fields.IntegerField(),
    publishedAt: fields.DateTimeField(),
    active: fields.BooleanField(),
    author: fields.ForeignKey(() => Author, { onDelete: CASCADE, relatedName: 'articles' }),
  },
  meta: { indexes: [{ fields: ['category', 'publishedAt'], name: 'bench_article_cat_pub' }] },
});

/** What a TypeORM user writes for the same tables. */
function entities(vendor) {
  const AuthorEntity = new EntitySchema({
    name: 'Author',
    tableName: 'bench_author',
    columns: { id: { type: Number, primary: true, generated: true }, name: { type: String }, email: { type: String } },
    relations: { articles: { type: 'one-to-many', target: 'Article', inverseSide: 'author' } },
  });
  const ArticleEntity = new EntitySchema({
    name: 'Article',
    tableName: 'bench_article',
    columns: {
      id: { type: Number, primary: true, generated: true },
      title: { type: String },
      body: { type: String },
      views: { type: Number },
      category: { type: Number },
      publishedAt: { type: vendor === 'postgres' ? 'timestamptz' : 'datetime', name: 'published_at' },
      active: { type: Boolean },
    },
    relations: { author: { type: 'many-to-one', target: 'Author', joinColumn: { name: 'author_id' }, inverseSide: 'articles' } },
  });
  return [AuthorEntity, ArticleEntity];
}

/** Deterministic rows (a tiny LCG), so every run measures the same data. */
function rows() {
  let seed = 42;
  // the high bits of an LCG: its low bits repeat with a short period
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 12;
  const authors = Array.from({ length: AUTHORS }, (_, i) => [`Author ${i + 1}`, `author${i + 1}@example.com`]);
  const articles = Array.from({ length: ARTICLES }, (_, i) => [
    `Article ${i + 1}: ${'lorem ipsum '.repeat(2 + (next() % 4)).trim()}`,
    'Body text of a typical article, long enough to be realistic. '.repeat(2 + (next() % 3)),
    next() % 10_000,
    i % CATEGORIES,
    new Date(Date.UTC(2024, 0, 1) + (next() % (365 * 86400)) * 1000),
    next() % 5 !== 0,
    (i % AUTHORS) + 1,
  ]);
  return { authors, articles };
}

const sqliteDatetime = (d) => `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 23)}`;

/** SQLite: a database file shared by the ORM, TypeORM and a raw better-sqlite3 connection. */
export async function sqliteSetup() {
  const dir = mkdtempSync(join(tmpdir(), 'manouche-orm-bench-'));
  const file = join(dir, 'bench.sqlite3');
  const db = await connect({ ENGINE: 'sqlite', NAME: file }, { models: [Author, Article] });
  await createTables(db, [Author._meta, Article._meta]);
  const { default: Sqlite } = await import('better-sqlite3');
  const raw = new Sqlite(file);
  raw.pragma('journal_mode = WAL');
  const { authors, articles } = rows();
  raw.transaction(() => {
    const a = raw.prepare('INSERT INTO bench_author (name, email) VALUES (?, ?)');
    for (const r of authors) a.run(r);
    const b = raw.prepare('INSERT INTO bench_article (title, body, views, category, published_at, active, author_id) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const [t, body, v, c, p, act, au] of articles) b.run(t, body, v, c, sqliteDatetime(p), act ? 1 : 0, au);
  })();
  raw.exec('ANALYZE');
  const typeorm = await new DataSource({ type: 'better-sqlite3', database: file, entities: entities('sqlite') }).initialize();
  return {
    db,
    raw,
    typeorm,
    async close() {
      await typeorm.destroy();
      raw.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const PG = {
  host: process.env.PGHOST || '127.0.0.1',
  port: Number(process.env.PGPORT || 5432),
  user: process.env.PGUSER || 'postgres',
  password: process.env.PGPASSWORD || '',
};

/** PostgreSQL: a throwaway database, the ORM's pool, a raw pg pool and a TypeORM DataSource. */
export async function postgresSetup() {
  const { default: pg } = await import('pg');
  const name = `orm_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ ...PG, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const db = await connect({ ENGINE: 'postgres', NAME: name, HOST: PG.host, PORT: PG.port, USER: PG.user, PASSWORD: PG.password }, { models: [Author, Article] });
  await createTables(db, [Author._meta, Article._meta]);
  const raw = new pg.Pool({ ...PG, database: name, max: 10 });
  // DROP DATABASE … WITH (FORCE) at the end may reach a connection still closing: not an error here
  raw.on('error', () => undefined);
  const { authors, articles } = rows();
  const insert = async (table, columns, list) => {
    for (let i = 0; i < list.length; i += 1000) {
      const chunk = list.slice(i, i + 1000);
      const values = chunk.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
      await raw.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, chunk.flat());
    }
  };
  await insert('bench_author', ['name', 'email'], authors);
  await insert('bench_article', ['title', 'body', 'views', 'category', 'published_at', 'active', 'author_id'], articles);
  await raw.query('ANALYZE');
  const typeorm = await new DataSource({ type: 'postgres', ...PG, username: PG.user, database: name, entities: entities('postgres') }).initialize();
  return {
    db,
    raw,
    typeorm,
    async close() {
      await typeorm.destroy();
      await raw.end();
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
