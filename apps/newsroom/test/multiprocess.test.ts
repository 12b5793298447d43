import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client as PgClient } from 'pg';
import { describeWith } from '../../../test-support/services';
import { PASSWORD, SECRET_KEY } from './support';
import { bundleManage, runCommand, type Server, startServer, Visitor } from './processes';

const PG = { host: process.env.PGHOST || '127.0.0.1', port: Number(process.env.PGPORT || 5432), user: process.env.PGUSER || 'postgres', password: process.env.PGPASSWORD || '' };
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

async function pgAdmin(sql: string): Promise<void> {
  const client = new PgClient({ ...PG, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describeWith(['postgres', 'redis'], 'two newsroom processes sharing PostgreSQL and Redis, and nothing else', () => {
  const id = randomBytes(5).toString('hex');
  const database = `newsroom_mp_${id}`;
  const prefix = `newsroom-mp-${id}`;
  const media = mkdtempSync(join(tmpdir(), 'newsroom-mp-media-'));
  const credentials = PG.password ? `${encodeURIComponent(PG.user)}:${encodeURIComponent(PG.password)}` : encodeURIComponent(PG.user);
  const env = {
    DEBUG: 'false',
    SECRET_KEY,
    ALLOWED_HOSTS: '127.0.0.1',
    DATABASE_URL: `postgres://${credentials}@${PG.host}:${PG.port}/${database}`,
    CACHE_URL: REDIS_URL,
    CACHE_KEY_PREFIX: prefix,
    SESSION_ENGINE: 'redis',
    MEDIA_ROOT: media,
    EMAIL_BACKEND: 'console',
  };
  let a: Server;
  let b: Server;
  let editorPassword: string;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });

  beforeAll(async () => {
    await pgAdmin(`CREATE DATABASE ${database}`);
    const script = await bundleManage();
    await runCommand(script, env, 'migrate');
    const demo = await runCommand(script, env, 'loaddemo');
    editorPassword = /editor \/ (\S+)/.exec(demo)![1]!;
    [a, b] = await Promise.all([startServer(script, env), startServer(script, env)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await pgAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    try {
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 500 })) keys.push(...(batch as string[]));
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    rmSync(media, { recursive: true, force: true });
  });

  it('runs two processes on two ports', () => {
    expect(a.url).not.toBe(b.url);
    expect(a.process.pid).not.toBe(b.process.pid);
  });

  it('keeps a session started on A valid on B, and a logout on B ends it on A', async () => {
    const reader = new Visitor();
    const signup = await reader.submit(`${a.url}/accounts/signup/`, { username: 'roaming', email: 'roaming@example.com', password1: PASSWORD, password2: PASSWORD });
    expect(signup.status).toBe(302);
    const onB = await reader.request(`${b.url}/accounts/profile/`);
    expect(onB.status).toBe(200);
    expect(onB.text).toContain('Signed in as <strong>roaming</strong>');
    // the flash message added on A is shown by B (it lives in the session)
    expect(onB.text).toContain('your account is ready');
    const logout = await reader.submit(`${b.url}/accounts/profile/`, {}, `${b.url}/accounts/logout/`);
    expect(logout.status).toBe(302);
    const backOnA = await reader.request(`${a.url}/accounts/profile/`);
    expect(backOnA.status).toBe(302);
    expect(backOnA.location).toBe('/accounts/login/?next=/accounts/profile/');
  });

  it('shows on B the front page A invalidated by unpublishing an article', async () => {
    const visitor = new Visitor();
    const api = JSON.parse((await visitor.request(`${b.url}/api/articles`)).text) as { results: Array<{ id: number; slug: string }> };
    const { id, slug } = api.results[0]!;
    // B renders the front page and the feed, and keeps them in the shared cache
    expect((await visitor.request(`${b.url}/`)).text).toContain(`/articles/${slug}/`);
    expect((await visitor.request(`${b.url}/feeds/latest.rss`)).text).toContain(`/articles/${slug}/`);
    // the pages B stored, filed under the articles tag (page keys are hashes of the URL)
    const articlesTag = `${prefix}:~tag:articles`;
    expect(await redis.scard(articlesTag)).toBeGreaterThanOrEqual(2);

    const editor = new Visitor();
    expect((await editor.submit(`${a.url}/accounts/login/`, { username: 'editor', password: editorPassword })).status).toBe(302);
    const unpublish = await editor.submit(`${a.url}/newsroom/`, {}, `${a.url}/newsroom/articles/${id}/unpublish/`);
    expect(unpublish.status).toBe(302);
    // A's save dropped the pages B had stored
    expect(await redis.exists(articlesTag)).toBe(0);

    expect((await visitor.request(`${b.url}/`)).text).not.toContain(`/articles/${slug}/`);
    expect((await visitor.request(`${b.url}/feeds/latest.rss`)).text).not.toContain(`/articles/${slug}/`);
    expect((await visitor.request(`${b.url}/articles/${slug}/`)).status).toBe(404);
  });

  it('counts failed logins across both processes: the sixth attempt is refused wherever it lands', async () => {
    const attacker = new Visitor();
    for (const server of [a, b, a, b, a]) {
      const attempt = await attacker.submit(`${server.url}/accounts/login/`, { username: 'editor', password: 'not the password' });
      expect(attempt.status).toBe(200);
      expect(attempt.text).toContain('Please enter a correct username and password.');
    }
    const locked = await attacker.submit(`${b.url}/accounts/login/`, { username: 'editor', password: editorPassword });
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('Too many login attempts.');
    const lockedOnA = await new Visitor().submit(`${a.url}/accounts/login/`, { username: 'editor', password: editorPassword });
    expect(lockedOnA.status).toBe(429);
  });
});
