import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Group, User } from '@manouche/auth';
import { Client, executeFromCommandLine } from '@manouche/core';
import { Article, Comment, Section } from '../src/news/models';
import { createNewsroom } from '../src/project';
import { FastHasher, logIn, testEnv } from './support';

/** Run a `manage.js` command against the SQLite file, as `npm start` does; its output and exit code. */
async function manage(env: Record<string, string>, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const code = await executeFromCommandLine(() => createNewsroom({ env, settings: { PASSWORD_HASHERS: [FastHasher] } }), argv, { stdout, stderr });
  return { code, out, err };
}

describe('npm start: migrations and the demo data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'newsroom-start-'));
  const env = testEnv({ SQLITE_PATH: join(dir, 'newsroom.sqlite3'), MEDIA_ROOT: join(dir, 'media') }) as Record<string, string>;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes `check --deploy` with the documented production settings', async () => {
    const production = {
      ...env,
      DEBUG: 'false',
      SECRET_KEY: 'a-production-like-secret-key-with-more-than-fifty-characters-0123',
      ALLOWED_HOSTS: 'news.example.com',
      HTTPS: 'true',
      HSTS_INCLUDE_SUBDOMAINS: 'true',
      HSTS_PRELOAD: 'true',
      SECURE_PROXY_SSL_HEADER: 'X-Forwarded-Proto',
      CACHE_URL: 'redis://127.0.0.1:6379',
      SESSION_ENGINE: 'redis',
    };
    const check = await manage(production, 'check', '--deploy');
    expect(check).toMatchObject({ code: 0, out: 'System check identified no issues (0 silenced).\n' });
    // the development defaults are reported, not silently accepted
    const development = await manage({ ...env, DEBUG: 'false' }, 'check', '--deploy');
    expect(development.out + development.err).toContain('security.W008');
  });

  it('has migrations for every model change', async () => {
    const check = await manage(env, 'makemigrations', '--check');
    expect(check).toMatchObject({ code: 0, out: 'No changes detected\n' });
  });

  it('migrates an empty SQLite file, loads the demo once and prints the staff password once', async () => {
    const migrate = await manage(env, 'migrate');
    expect(migrate.code).toBe(0);
    expect(migrate.out).toContain('Applied 3 migrations.');
    const first = await manage(env, 'loaddemo', '--if-empty');
    expect(first.code).toBe(0);
    const password = /Staff login \(shown only this once\): editor \/ (\S{20})\n/.exec(first.out)![1]!;

    // a second start reuses the data, and says nothing of the password
    expect((await manage(env, 'migrate')).out).toContain('No migrations to apply.');
    const second = await manage(env, 'loaddemo', '--if-empty');
    expect(second).toMatchObject({ code: 0, out: 'The database already has content: keeping it (demo data not loaded).\n' });
    const forced = await manage(env, 'loaddemo');
    expect(forced.code).toBe(1);
    expect(forced.err).toContain('loaddemo only fills an empty database');

    const app = createNewsroom({ env, settings: { PASSWORD_HASHERS: [FastHasher] } });
    await app.ready();
    try {
      expect(await Section.objects.count()).toBe(5);
      expect(await Article.objects.count()).toBe(50);
      expect(await Article.objects.filter({ status: 'published' }).count()).toBe(45);
      expect(await Comment.objects.count()).toBeGreaterThan(20);
      const editor = await User.objects.get({ username: 'editor' });
      expect(await editor.hasPerms(['news.publish_article', 'news.edit_any_article', 'news.change_comment'])).toBe(true);
      const authors = await Group.objects.get({ name: 'Authors' });
      expect((await authors.permissions.all()).map((p) => p.codename).sort()).toEqual(['add_article', 'change_article', 'delete_article', 'view_article']);
      const client = new Client(app);
      await logIn(client, 'editor', password);
      expect((await client.get('/newsroom/')).text).toContain('<h1>All articles</h1>');
      const home = await client.get('/');
      expect(home.text.match(/class="card"/g)).toHaveLength(20);
    } finally {
      await app.close();
    }
  });
});
