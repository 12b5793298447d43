import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '@manouche/core';
import { connect, type Database, type DatabaseSettings, defineModel, detectChanges, fields, loadMigrations, NonInteractiveQuestioner, ormApp, ProjectState, stateBefore } from '@manouche/orm';
import { authApp, authMigrations, authModels, modelPermissions, Permission, Session, User } from '../src/index';
import { FastHasher, SECRET_KEY } from './helpers';
import { createTestDatabase, describeBackend, runCommand } from './support';

const Article = defineModel('news.Article', { fields: { title: fields.CharField({ maxLength: 100 }) } });
modelPermissions(Article, { permissions: [['publish_article', 'Can publish articles']] });

/** The project's own app: a migration of its own, next to the ones auth ships. */
const newsMigrations = {
  news: { modules: { '0001_initial': { operations: [{ op: 'CreateModel' as const, name: 'Article', fields: { id: { type: 'BigAutoField', options: { blank: true, primaryKey: true } }, title: { type: 'CharField', options: { maxLength: 100 } } } }] } } },
};

it('the shipped migrations match the auth and sessions models', async () => {
  const graph = await loadMigrations(authMigrations);
  expect(graph.plan().map((m) => m.key)).toEqual(['auth.0001_initial', 'sessions.0001_initial']);
  const changes = await detectChanges(stateBefore(graph, undefined), ProjectState.fromModels([...authModels]), new NonInteractiveQuestioner('error'), ['auth', 'sessions']);
  expect([...changes.keys()]).toEqual([]);
});

for (const backend of ['sqlite', 'postgres'] as const) {
  describeBackend(backend, 'manouche migrate with auth installed', () => {
    let settings: DatabaseSettings;
    let drop: () => Promise<void>;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'manouche-auth-migrate-'));
      // a file, not :memory:, since each command opens and closes its own connection
      const created = backend === 'sqlite' ? { settings: { ENGINE: 'sqlite', NAME: join(dir, 'db.sqlite3') } as DatabaseSettings, drop: async () => undefined } : await createTestDatabase(backend);
      settings = created.settings;
      drop = created.drop;
    });
    afterAll(async () => {
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    const manage = (...argv: string[]) =>
      runCommand(
        createApp({
          settings: {
            SECRET_KEY,
            INSTALLED_APPS: [ormApp({ models: [...authModels, Article], migrations: { ...authMigrations, ...newsMigrations } }), authApp()],
            DATABASES: { default: settings },
            PASSWORD_HASHERS: [FastHasher],
          },
          urls: [],
          logger: { debug() {}, info() {}, warn() {}, error() {} } as never,
        }),
        argv,
      );

    /** Run `fn` on a connection of its own (the commands close theirs). */
    async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
      const db = await connect(settings, { models: [...authModels, Article] });
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    }

    const codenames = (db: Database, appLabel: string) => Permission.objects.using(db).filter({ appLabel }).orderBy('model', 'codename').valuesList('model', 'codename');

    it('creates the tables and every permission, and the tables work', async () => {
      const result = await manage('migrate');
      expect(result).toMatchObject({ code: 0, err: '' });
      expect(result.out).toContain('Apply all migrations: auth, news, sessions');
      expect(result.out).toMatch(/Applying auth\.0001_initial\.\.\. OK[\s\S]*Applying sessions\.0001_initial\.\.\. OK/);
      // the shipped migrations match the models: no "run makemigrations" advice
      expect(result.out).not.toContain('have changes');

      await withDatabase(async (db) => {
        expect(await codenames(db, 'auth')).toEqual([
          ['group', 'add_group'], ['group', 'change_group'], ['group', 'delete_group'], ['group', 'view_group'],
          ['permission', 'add_permission'], ['permission', 'change_permission'], ['permission', 'delete_permission'], ['permission', 'view_permission'],
          ['user', 'add_user'], ['user', 'change_user'], ['user', 'delete_user'], ['user', 'view_user'],
        ]);
        expect(await codenames(db, 'sessions')).toEqual([['session', 'add_session'], ['session', 'change_session'], ['session', 'delete_session'], ['session', 'view_session']]);
        expect(await codenames(db, 'news')).toEqual([['article', 'add_article'], ['article', 'change_article'], ['article', 'delete_article'], ['article', 'publish_article'], ['article', 'view_article']]);
        // auto-created many-to-many tables get no permissions (Django: auto_created models are skipped)
        expect(await Permission.objects.using(db).filter({ model__contains: '_' }).count()).toBe(0);
        expect(await Permission.objects.using(db).get({ codename: 'change_user' })).toMatchObject({ name: 'Can change user' });

        const editor = await User.objects.using(db).create({ username: 'editor', password: '!' });
        const publish = await Permission.objects.using(db).get({ codename: 'publish_article' });
        await editor.userPermissions.add(publish);
        expect(await editor.userPermissions.all().valuesList('codename', { flat: true })).toEqual(['publish_article']);
        await Session.objects.using(db).create({ sessionKey: 'k'.repeat(32), sessionData: '{}', expireDate: new Date(Date.now() + 60_000) });
        expect(await Session.objects.using(db).count()).toBe(1);
      });
    });

    it('runs again after every migrate: only the missing permissions are created', async () => {
      const before = await withDatabase((db) => Permission.objects.using(db).count());
      await withDatabase((db) => Permission.objects.using(db).filter({ codename: 'view_article' }).delete());
      const result = await manage('migrate');
      expect(result.out).toContain('No migrations to apply.');
      await withDatabase(async (db) => {
        expect(await Permission.objects.using(db).count()).toBe(before);
        expect(await Permission.objects.using(db).filter({ codename: 'view_article' }).count()).toBe(1);
      });
    });

    it('leaves a database without the permission table alone (auth rolled back)', async () => {
      expect(await manage('migrate', 'auth', 'zero')).toMatchObject({ code: 0, err: '' });
      expect(await manage('showmigrations', 'auth')).toMatchObject({ out: 'auth\n [ ] 0001_initial\n' });
      // and migrating forwards again brings the tables and the permissions back
      expect(await manage('migrate')).toMatchObject({ code: 0, err: '' });
      expect(await withDatabase((db) => Permission.objects.using(db).filter({ appLabel: 'news' }).count())).toBe(5);
    });
  });
}
