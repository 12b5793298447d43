import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, executeFromCommandLine } from '@manouche/core';
import {
  CASCADE,
  CheckConstraint,
  connect,
  createRegistry,
  type Database,
  type DatabaseSettings,
  defineModel,
  detectChanges,
  fields,
  InteractiveQuestioner,
  IntegrityError,
  loadMigrations,
  MigrationExecutor,
  type Migration,
  type MigrateArgs,
  ormApp,
  postMigrate,
  ProjectState,
  Q,
  stateBefore,
} from '../src/index';
import { BACKENDS, createTestDatabase, describeBackend, importTs, output } from './support';

/** Version 1 of the news app. */
function v1() {
  const registry = createRegistry();
  const Author = defineModel('news.Author', { fields: { name: fields.CharField({ maxLength: 100 }) } }, registry);
  const Tag = defineModel('news.Tag', { fields: { name: fields.CharField({ maxLength: 30, unique: true }) } }, registry);
  const Article = defineModel('news.Article', {
    fields: {
      title: fields.CharField({ maxLength: 200 }),
      views: fields.IntegerField({ default: 0 }),
      author: fields.ForeignKey(() => Author, { onDelete: CASCADE, relatedName: 'articles' }),
      tags: fields.ManyToManyField(() => Tag),
    },
    meta: { ordering: ['-views'], indexes: [{ fields: ['title'], name: 'news_article_title_idx' }], constraints: [CheckConstraint({ check: Q({ views__gte: 0 }), name: 'views_not_negative' })] },
  }, registry);
  return { Author, Tag, Article, models: [Author, Tag, Article] };
}

/** Version 2: title renamed to headline, fields added and altered, a model added. */
function v2() {
  const registry = createRegistry();
  const Author = defineModel('news.Author', { fields: { name: fields.CharField({ maxLength: 150, dbIndex: true }), email: fields.EmailField({ null: true }) } }, registry);
  const Tag = defineModel('news.Tag', { fields: { name: fields.CharField({ maxLength: 30, unique: true }) } }, registry);
  const Article = defineModel('news.Article', {
    fields: {
      headline: fields.CharField({ maxLength: 200 }),
      views: fields.BigIntegerField({ default: 0 }),
      score: fields.IntegerField({ default: 0 }),
      author: fields.ForeignKey(() => Author, { onDelete: CASCADE, relatedName: 'articles' }),
      tags: fields.ManyToManyField(() => Tag),
    },
    meta: { ordering: ['-views'], indexes: [{ fields: ['headline'], name: 'news_article_headline_idx' }], constraints: [CheckConstraint({ check: Q({ views__gte: 0 }), name: 'views_not_negative' })] },
  }, registry);
  const Comment = defineModel('news.Comment', { fields: { article: fields.ForeignKey(() => Article, { onDelete: CASCADE }), text: fields.TextField() } }, registry);
  return { Author, Tag, Article, Comment, models: [Author, Tag, Article, Comment] };
}

const SECRET = 'migrations-test-secret-key-that-is-long-enough-0123456789abcdef';

for (const backend of BACKENDS) {
  describeBackend(backend, 'migrations', () => {
    let settings: DatabaseSettings;
    let drop: () => Promise<void>;
    let dir: string;
    let sqliteFile: string | undefined;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'manouche-migrations-'));
      if (backend === 'sqlite') {
        sqliteFile = join(dir, 'db.sqlite3');
        settings = { ENGINE: 'sqlite', NAME: sqliteFile };
        drop = async () => undefined;
      } else {
        ({ settings, drop } = await createTestDatabase(backend));
      }
    });
    afterAll(async () => {
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    const migrationsDir = () => join(dir, 'news');

    /** Run a manouche command against an app built with these models; returns [exit code, stdout, stderr]. */
    async function manage(models: unknown[], ...argv: string[]): Promise<[number, string, string]> {
      const app = createApp({
        settings: { SECRET_KEY: SECRET, INSTALLED_APPS: [ormApp({ models: models as never, migrations: { news: { directory: migrationsDir() } }, importer: importTs })], DATABASES: { default: settings } },
        urls: [],
        global: false,
      });
      const stdout = output();
      const stderr = output();
      const code = await executeFromCommandLine(app, argv, { stdout, stderr });
      return [code, stdout.text(), stderr.text()];
    }

    async function open(models: unknown[]): Promise<Database> {
      return connect(settings, { models: models as never });
    }

    it('makemigrations writes the initial migration; migrate applies it; showmigrations lists it', async () => {
      const { models } = v1();
      const [code, out, err] = await manage(models, 'makemigrations', '--noinput');
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toContain("Migrations for 'news':");
      expect(out).toContain('0001_initial.ts');
      expect(out).toContain('    - Create model Author\n    - Create model Tag\n    - Create model Article\n');
      expect(readdirSync(migrationsDir())).toEqual(['0001_initial.ts']);
      const source = readFileSync(join(migrationsDir(), '0001_initial.ts'), 'utf8');
      expect(source).toContain("import type { Migration } from '@manouche/orm';");
      expect(source).toContain("op: 'CreateModel'");
      expect(await manage(models, 'makemigrations', '--noinput')).toEqual([0, 'No changes detected\n', '']);

      const [sqlCode, sql] = await manage(models, 'sqlmigrate', 'news', '0001');
      expect(sqlCode).toBe(0);
      expect(sql).toMatch(/CREATE TABLE .?news_article.?/);
      if (backend !== 'mysql') expect(sql.startsWith('BEGIN;')).toBe(true);

      const [migrateCode, migrated] = await manage(models, 'migrate');
      expect(migrateCode).toBe(0);
      expect(migrated).toContain('Operations to perform:\n  Apply all migrations: news\nRunning migrations:\n');
      expect(migrated).toMatch(/ {2}Applying news\.0001_initial\.\.\. OK \(\d+\.\d\ds\)/);
      expect((await manage(models, 'showmigrations'))[1]).toBe('news\n [X] 0001_initial\n');
      expect((await manage(models, 'migrate'))[1]).toContain('  No migrations to apply.\n');
    });

    it('the migrated schema is what the models expect, constraints included', async () => {
      const { Author, Article, Tag, models } = v1();
      const db = await open(models);
      try {
        const ann = await Author.objects.create({ name: 'Ann' });
        const js = await Tag.objects.create({ name: 'js' });
        const a = await Article.objects.create({ title: 'First', views: 3, author: ann });
        await a.tags.add(js);
        await expect(Article.objects.create({ title: 'Negative', views: -1, author: ann })).rejects.toBeInstanceOf(IntegrityError);
        await expect(Tag.objects.create({ name: 'js' })).rejects.toBeInstanceOf(IntegrityError);
        expect(await Article.objects.filter({ tags__name: 'js' }).count()).toBe(1);
      } finally {
        await db.close();
      }
    });

    it('asks before treating a field as renamed, and never drops it silently', async () => {
      const { models } = v2();
      const [code, , err] = await manage(models, 'makemigrations', '--noinput');
      expect(code).toBe(1);
      expect(err).toContain('CommandError: news.Article.title looks renamed to news.Article.headline (a CharField). Run makemigrations interactively to answer, or pass --renames=rename (keep the data) or --renames=drop');
      expect(readdirSync(migrationsDir())).toEqual(['0001_initial.ts']);

      // the questions, answered by an injected prompt
      const graph = await loadMigrations({ news: { directory: migrationsDir() } }, importTs);
      const asked: string[] = [];
      const questioner = new InteractiveQuestioner(async (q) => {
        asked.push(q);
        return q.startsWith('Was news.Article.title renamed') ? 'y' : 'n';
      });
      const changes = await detectChanges(stateBefore(graph, undefined), ProjectState.fromModels(models), questioner);
      expect(asked).toEqual(['Was news.Article.title renamed to news.Article.headline (a CharField)? [y/N] ']);
      const ops = changes.get('news')!.map((op) => op.op);
      expect([...ops].sort()).toEqual(['AddField', 'AddField', 'AddIndex', 'AlterField', 'AlterField', 'CreateModel', 'RemoveIndex', 'RenameField']);
      // indexes go before the fields they cover change, and come back after
      expect(ops.indexOf('RemoveIndex')).toBeLessThan(ops.indexOf('RenameField'));
      expect(ops[ops.length - 1]).toBe('AddIndex');
    });

    it('with --renames=rename writes RenameField; migrate keeps the data; sqlmigrate shows the SQL', async () => {
      const { models, Article, Author } = v2();
      const [code, out, err] = await manage(models, 'makemigrations', '--noinput', '--renames=rename');
      expect([code, err]).toEqual([0, '']);
      const name = readdirSync(migrationsDir()).find((f) => f.startsWith('0002_'))!;
      expect(out).toContain(`news/${name}`);
      expect(out).toContain('    - Rename field title on Article to headline\n');
      const [, sql] = await manage(models, 'sqlmigrate', 'news', '0002');
      expect(sql.length).toBeGreaterThan(20);
      const [migrateCode, migrated, migrateErr] = await manage(models, 'migrate');
      expect(migrateErr).toBe('');
      expect(migrateCode).toBe(0);
      expect(migrated).toContain(`Applying news.${name.replace(/\.ts$/, '')}... OK`);
      const db = await open(models);
      try {
        const article = await Article.objects.get({ headline: 'First' });
        expect([article.views, article.score]).toEqual([3, 0]);
        expect((await Author.objects.get({ name: 'Ann' })).email).toBeNull();
        const long = await Author.objects.create({ name: 'x'.repeat(150) });
        // rolling back shortens the column again: MySQL (strict) refuses to truncate, so the long row goes first
        await long.delete();
      } finally {
        await db.close();
      }
    });

    it('migrate <app> <name> rolls back to that point, and zero unapplies everything', async () => {
      const { models } = v1();
      const [code, out, err] = await manage(models, 'migrate', 'news', '0001');
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toMatch(/Unapplying news\.0002_\w+\.\.\. OK/);
      expect((await manage(models, 'showmigrations'))[1]).toMatch(/ \[X\] 0001_initial\n \[ \] 0002_/);
      const { Article, Author } = v1();
      const db = await open([Article, Author]);
      try {
        expect((await Article.objects.get({ title: 'First' })).views).toBe(3);
      } finally {
        await db.close();
      }
      const [planCode, plan] = await manage(models, 'migrate', 'news', 'zero', '--plan');
      expect(planCode).toBe(0);
      expect(plan).toContain('news.0001_initial (undo)');
      expect((await manage(models, 'migrate', 'news', 'zero'))[1]).toContain('Unapplying news.0001_initial... OK');
      const check = await open(models);
      try {
        const tables = await check.dataSource.createQueryRunner().getTables(['news_article', 'news_author']);
        expect(tables).toHaveLength(0);
      } finally {
        await check.close();
      }
      expect((await manage(models, 'migrate', 'news', 'nope'))[2]).toContain('CommandError: Cannot find a migration matching "nope" from app "news". Its migrations: 0001_initial, 0002_');
    });

    it('hand-written RunSQL and RunCode migrations, forwards and backwards, in a transaction where possible', async () => {
      const { models, Tag } = v1();
      const q = (name: string) => (backend === 'mysql' ? `\`${name}\`` : `"${name}"`);
      const seed: Migration = {
        dependencies: [['news', '0001_initial']],
        operations: [
          { op: 'RunSQL', sql: `INSERT INTO ${q('news_tag')} (${q('name')}) VALUES ('from-sql')`, reverseSql: `DELETE FROM ${q('news_tag')} WHERE ${q('name')} = 'from-sql'` },
          {
            op: 'RunCode',
            description: 'Add a tag with the ORM',
            forward: async () => {
              await Tag.objects.create({ name: 'from-code' });
            },
            backward: async () => {
              await Tag.objects.filter({ name: 'from-code' }).delete();
            },
          },
        ],
      };
      const broken: Migration = { dependencies: [['news', '0002_seed']], operations: [{ op: 'RunSQL', sql: `INSERT INTO ${q('news_tag')} (${q('name')}) VALUES ('half')` }, { op: 'RunSQL', sql: 'SELECT * FROM no_such_table' }] };
      const db = await open(models);
      try {
        const graph = await loadMigrations({ news: { directory: migrationsDir(), modules: { '0002_seed': seed, '0003_broken': { default: broken } } } }, importTs);
        const executor = new MigrationExecutor(db, graph);
        await executor.migrate({ app: 'news', name: '0002_seed' });
        expect(await Tag.objects.orderBy('name').valuesList('name', { flat: true })).toEqual(['from-code', 'from-sql']);
        const error = await executor.migrate().catch((e: Error) => e);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(new RegExp(`^Applying news\\.0003_broken failed${backend === 'mysql' ? ' \\(MySQL cannot roll back DDL' : ' \\(rolled back\\)'}`));
        // the failed migration left nothing behind where the backend has transactional DDL
        expect(await Tag.objects.filter({ name: 'half' }).exists()).toBe(backend === 'mysql');
        await Tag.objects.filter({ name: 'half' }).delete();
        await executor.migrate({ app: 'news', name: '0001_initial' });
        expect(await Tag.objects.count()).toBe(0);
        const applied = await executor.applied();
        expect([...applied]).toEqual(['news.0001_initial']);
        expect(await executor.sql('news', '0002_seed')).toEqual([`INSERT INTO ${q('news_tag')} (${q('name')}) VALUES ('from-sql')`, '-- Add a tag with the ORM (runs as code)']);
        await executor.migrate({ app: 'news', name: 'zero' });
      } finally {
        await db.close();
      }
    });

    it('postMigrate is sent once per migrate run, with the alias and the migrations applied, also when none are pending', async () => {
      const { models } = v1();
      const received: MigrateArgs[] = [];
      const recordedWhenReceived: number[] = [];
      const otherDatabase = jest.fn();
      const disconnect = postMigrate.connect(async (args) => {
        received.push(args);
        const { rows } = await args.database.query(`SELECT COUNT(*) FROM ${args.database.dialect.quote('manouche_migrations')}`);
        recordedWhenReceived.push(Number(rows[0]![0]));
      }, { dispatchUid: 'test.postMigrate' });
      // the same dispatchUid registers once, as when a module is imported twice
      postMigrate.connect(() => received.push({} as MigrateArgs), { dispatchUid: 'test.postMigrate' });
      postMigrate.connect(otherDatabase, { sender: 'other' });
      try {
        const [code, , err] = await manage(models, 'migrate');
        expect([code, err]).toEqual([0, '']);
        expect(received).toHaveLength(1);
        const [first] = received;
        expect(first!.sender).toBe('default');
        expect(first!.using).toBe('default');
        expect(first!.database.vendor).toBe(backend === 'postgres' ? 'postgresql' : backend);
        expect(first!.fake).toBe(false);
        expect(first!.applied.map((m) => m.key)).toEqual(['news.0001_initial', expect.stringMatching(/^news\.0002_/)]);
        // receivers run after the migrations were applied and recorded
        expect(recordedWhenReceived).toEqual([2]);

        expect((await manage(models, 'migrate'))[1]).toContain('No migrations to apply.');
        expect(received).toHaveLength(2);
        expect(received[1]!.plan).toEqual([]);
        expect(received[1]!.applied).toEqual([]);

        // --plan runs nothing, so sends nothing
        await manage(models, 'migrate', '--plan');
        expect(received).toHaveLength(2);

        // a rollback is a migrate run too: its plan has the backwards steps, nothing applied
        await manage(models, 'migrate', 'news', 'zero');
        expect(received).toHaveLength(3);
        expect(received[2]!.plan.map((s) => [s.migration.name.slice(0, 4), s.backwards])).toEqual([['0002', true], ['0001', true]]);
        expect(received[2]!.applied).toEqual([]);
        expect(otherDatabase).not.toHaveBeenCalled();
      } finally {
        disconnect();
        postMigrate.disconnect(otherDatabase, { sender: 'other' });
      }
    });

    it('a failing postMigrate receiver fails the migrate command with its message', async () => {
      const { models } = v1();
      const disconnect = postMigrate.connect(() => {
        throw new Error('cannot create permissions');
      });
      try {
        const [code, , err] = await manage(models, 'migrate');
        expect(code).toBe(1);
        expect(err).toContain('CommandError: cannot create permissions');
      } finally {
        disconnect();
        await manage(models, 'migrate', 'news', 'zero');
      }
    });
  });
}
