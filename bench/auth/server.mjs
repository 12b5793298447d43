// Two pages behind the full stack (security headers, host check, sessions in Redis, CSRF,
// authentication, messages, X-Frame-Options), each greeting the user by name: an anonymous
// visitor (no cookie: no store, no query) or a logged-in user (their session read from Redis,
// the user read from SQLite). `/` is nothing else (the worst case: the page itself costs
// nothing); `/news/` is a typical page: 10 articles from the database rendered by a template
// (the user through the `auth` context processor). /bench-login/ logs a user in (the only
// hashing); /bench-stats/ says how many hashes this process computed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { commonMiddleware, createApp, HttpResponse, JsonResponse, path, runServer } from '@manouche/core';
import { cacheApp } from '@manouche/cache';
import { mkdirSync, writeFileSync } from 'node:fs';
import { apps, connect, createTables, defineModel, fields } from '@manouche/orm';
import { render, templatesApp } from '@manouche/templates';
import { csrfViewMiddleware, securityMiddleware, xFrameOptionsMiddleware } from '@manouche/security';
import {
  contextProcessors,
  authApp,
  authenticate,
  authenticationMiddleware,
  login,
  messagesMiddleware,
  PBKDF2PasswordHasher,
  sessionMiddleware,
  User,
} from '@manouche/auth';

let hashes = 0;
// the real default hasher (1,000,000 iterations), counting its work
class CountingHasher extends PBKDF2PasswordHasher {
  async encode(...args) {
    hashes++;
    return super.encode(...args);
  }
}

const Article = defineModel('bench.Article', {
  fields: { title: fields.CharField({ maxLength: 200 }), slug: fields.SlugField(), lede: fields.TextField(), publishedAt: fields.DateTimeField() },
  meta: { ordering: ['-publishedAt'] },
});
const templates = mkdtempSync(join(tmpdir(), 'bench-auth-templates-'));
mkdirSync(join(templates, 'news'));
writeFileSync(
  join(templates, 'news', 'list.eta'),
  '<!doctype html><title>Newsroom</title><header><%= it.user.isAuthenticated ? `Signed in as ${it.user.getUsername()}` : "Welcome, visitor" %></header>' +
    '<main><h1>Today</h1><ul><% for (const a of it.articles) { %><li><a href="/news/<%= a.slug %>/"><%= a.title %></a><p><%= a.lede %></p><time><%= a.publishedAt.toISOString() %></time></li><% } %></ul></main>',
);

const greeting = (name) => `<!doctype html><title>Newsroom</title><header>${name ? `Signed in as ${name}` : 'Welcome, visitor'}</header><main><h1>Today</h1><p>Top stories.</p></main>`;

const app = createApp({
  settings: {
    DEBUG: false,
    SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789-abcdefghij',
    ALLOWED_HOSTS: ['127.0.0.1', 'localhost'],
    INSTALLED_APPS: [cacheApp(), templatesApp(), authApp()],
    TEMPLATES: [{ DIRS: [templates], APP_DIRS: false, OPTIONS: { contextProcessors: [contextProcessors.auth] } }],
    MIDDLEWARE: [securityMiddleware, commonMiddleware, sessionMiddleware, csrfViewMiddleware, authenticationMiddleware, messagesMiddleware, xFrameOptionsMiddleware],
    CACHES: { default: { BACKEND: 'redis', LOCATION: process.env.REDIS_URL || 'redis://127.0.0.1:6379', KEY_PREFIX: `bench-auth-${randomBytes(4).toString('hex')}` } },
    SESSION_ENGINE: 'cache',
    PASSWORD_HASHERS: [CountingHasher],
    AUTH_LOGIN_THROTTLE: null,
  },
  urls: [
    path('', async (request) => {
      const user = await request.auser();
      return new HttpResponse(greeting(user.isAuthenticated ? user.getUsername() : null));
    }),
    path('news/', async (request) => render(request, 'news/list.eta', { articles: await Article.objects.slice(0, 10) })),
    path('bench-login/', async (request) => {
      const user = await authenticate(request, { username: 'ann', password: 'correct horse battery staple' });
      await login(request, user);
      return new HttpResponse('logged in');
    }),
    path('bench-stats/', () => new JsonResponse({ hashes })),
  ],
});

const db = await connect({ ENGINE: 'sqlite', NAME: join(mkdtempSync(join(tmpdir(), 'bench-auth-')), 'db.sqlite3') });
await createTables(db, apps.all().map((model) => model._meta));
await User.objects.createUser('ann', 'ann@example.com', 'correct horse battery staple');
await Article.objects.bulkCreate(
  Array.from({ length: 40 }, (_, i) => ({ title: `Story number ${i} & what it means`, slug: `story-${i}`, lede: 'A short summary of the story, long enough to look like one. '.repeat(2), publishedAt: new Date(Date.UTC(2025, 0, 1 + i)) })),
);
await app.ready();
const server = await runServer(app, { port: 0, handleSignals: true });
console.log(`listening ${server.url}`);
