import { resolve } from 'node:path';
import { commonMiddleware, defineSettings, staticFilesMiddleware, type UserSettings } from '@manouche/core';
import { authenticationMiddleware, contextProcessors as authContext, messagesMiddleware, sessionMiddleware } from '@manouche/auth';
import type { CachesSetting } from '@manouche/cache';
import { CSP, cspMiddleware, csrfViewMiddleware, securityContextProcessor, securityMiddleware, xFrameOptionsMiddleware } from '@manouche/security';
import { contextProcessors } from '@manouche/templates';
import { authApp } from '@manouche/auth';
import { cacheApp } from '@manouche/cache';
import { formsApp } from '@manouche/forms';
import { ormApp } from '@manouche/orm';
import { securityApp } from '@manouche/security';
import { RedisStore } from '@manouche/security/redis';
import { templatesApp } from '@manouche/templates';
import Redis from 'ioredis';
import { importMigration, migrations } from './migrations/index';
import { newsApp } from './news/app';
import { siteContext } from './news/context';
import { csrfFailure } from './news/views/errors';
import { BASE_DIR } from './paths';


/** Where the SQLite database lives by default. */
export const DEFAULT_SQLITE_PATH = resolve(BASE_DIR, 'var', 'newsroom.sqlite3');

const DEV_SECRET_KEY = 'manouche-insecure-newsroom-development-key-do-not-use-in-production';

export type Env = Record<string, string | undefined>;

/** The Redis server shared by every process, when the environment names one. */
export function redisUrl(env: Env): string | undefined {
  return env.CACHE_URL?.startsWith('redis') ? env.CACHE_URL : env.SESSION_ENGINE === 'redis' ? (env.REDIS_URL ?? 'redis://127.0.0.1:6379') : undefined;
}

/** A key prefix per deployment, so sites (and test runs) sharing a Redis server stay apart. */
export function keyPrefix(env: Env): string {
  return env.CACHE_KEY_PREFIX || 'newsroom';
}

function caches(env: Env): CachesSetting {
  const prefix = keyPrefix(env);
  const redis = redisUrl(env);
  const caches: CachesSetting = {
    default:
      env.CACHE_URL === 'dummy://'
        ? // caches nothing: every page rendered (benchmarks of the uncached site, debugging)
          { BACKEND: 'dummy' }
        : env.CACHE_URL
          ? // every process reads and invalidates the same entries
            { BACKEND: 'redis', LOCATION: env.CACHE_URL, KEY_PREFIX: prefix, TIMEOUT: 300 }
          : { BACKEND: 'memory', KEY_PREFIX: prefix, TIMEOUT: 300 },
  };
  if (env.SESSION_ENGINE === 'redis' && redis) caches.sessions = { BACKEND: 'redis', LOCATION: redis, KEY_PREFIX: `${prefix}:sessions`, TIMEOUT: null };
  return caches;
}

/**
 * The newsroom's settings, from the environment:
 *
 * - `DEBUG` (default true), `SECRET_KEY` (required with DEBUG=false), `ALLOWED_HOSTS` (comma-separated);
 * - `DATABASE_URL` (`postgres://…`, `mysql://…`; default: SQLite in `var/newsroom.sqlite3`, or `SQLITE_PATH`);
 * - `CACHE_URL` (`redis://…`, or `dummy://` to cache nothing; default: memory), `CACHE_KEY_PREFIX` (default `newsroom`);
 * - `SESSION_ENGINE=redis`: sessions in Redis (`CACHE_URL`, else `REDIS_URL`); default: the database;
 * - `HTTPS=true` when the site is served over HTTPS only: redirect plain HTTP, Secure cookies, HSTS
 *   (`HSTS_SECONDS`, default a year; `HSTS_INCLUDE_SUBDOMAINS=true` and `HSTS_PRELOAD=true` once
 *   every subdomain is HTTPS too, which is hard to undo); behind a proxy that terminates TLS also
 *   `SECURE_PROXY_SSL_HEADER=x-forwarded-proto`;
 * - `MEDIA_ROOT` (default `media/`), `EMAIL_BACKEND` (default `console`).
 *
 * Any other setting can be given as `MANOUCHE_<NAME>` (core's environment layer).
 */
export function newsroomSettings(env: Env = process.env): UserSettings {
  const debug = (env.DEBUG ?? 'true') !== 'false';
  const https = env.HTTPS === 'true';
  const redis = redisUrl(env);
  // one connection for the login throttle's counts, shared by every process (closed by the news app)
  const throttleClient = redis ? new Redis(redis, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: true }) : undefined;
  return defineSettings({
    INSTALLED_APPS: [
      securityApp(),
      templatesApp(),
      ormApp({ migrations, importer: importMigration }),
      cacheApp(),
      authApp(),
      formsApp(),
      newsApp({ onClose: async () => throttleClient?.disconnect() }),
    ],
    DEBUG: debug,
    // a development key is fine with DEBUG on; core refuses to start without a real one when it is off
    SECRET_KEY: env.SECRET_KEY ?? (debug ? DEV_SECRET_KEY : ''),
    ALLOWED_HOSTS: env.ALLOWED_HOSTS ? env.ALLOWED_HOSTS.split(',') : ['127.0.0.1', 'localhost'],
    STATICFILES_DIRS: [resolve(BASE_DIR, 'static')],
    MEDIA_URL: '/media/',
    MEDIA_ROOT: env.MEDIA_ROOT ?? resolve(BASE_DIR, 'media'),
    // uploads are pictures: keep them small enough to read into memory
    FILE_UPLOAD_MAX_SIZE: 5 * 1024 * 1024,
    DATABASES: { default: env.DATABASE_URL ? { URL: env.DATABASE_URL } : { ENGINE: 'sqlite', NAME: env.SQLITE_PATH ?? DEFAULT_SQLITE_PATH } },
    CACHES: caches(env),
    SESSION_ENGINE: env.SESSION_ENGINE === 'redis' ? 'cache' : 'db',
    SESSION_CACHE_ALIAS: env.SESSION_ENGINE === 'redis' ? 'sessions' : 'default',
    EMAIL_BACKEND: (env.EMAIL_BACKEND as 'console' | 'memory' | 'smtp' | undefined) ?? 'console',
    DEFAULT_FROM_EMAIL: 'newsroom@localhost',
    LOGIN_URL: '/accounts/login/',
    LOGIN_REDIRECT_URL: '/accounts/profile/',
    LOGOUT_REDIRECT_URL: '/',
    // counted per username and per IP before any password is checked; in Redis across processes
    AUTH_LOGIN_THROTTLE: { USERNAME_RATE: '5/15m', IP_RATE: '30/15m', STORE: throttleClient ? new RedisStore(throttleClient, { prefix: `${keyPrefix(env)}:ratelimit:` }) : null },
    // The recommended stack (packages/auth and packages/security READMEs), static files before sessions
    MIDDLEWARE: [
      securityMiddleware,
      cspMiddleware,
      staticFilesMiddleware,
      commonMiddleware,
      sessionMiddleware,
      csrfViewMiddleware,
      authenticationMiddleware,
      messagesMiddleware,
      xFrameOptionsMiddleware,
    ],
    CSRF_FAILURE_VIEW: csrfFailure,
    // HTTPS only: what `manouche check --deploy` asks for
    SECURE_SSL_REDIRECT: https,
    SECURE_HSTS_SECONDS: https ? Number(env.HSTS_SECONDS ?? 31_536_000) : 0,
    SECURE_HSTS_INCLUDE_SUBDOMAINS: https && env.HSTS_INCLUDE_SUBDOMAINS === 'true',
    SECURE_HSTS_PRELOAD: https && env.HSTS_PRELOAD === 'true',
    SESSION_COOKIE_SECURE: https,
    CSRF_COOKIE_SECURE: https,
    SECURE_PROXY_SSL_HEADER: env.SECURE_PROXY_SSL_HEADER ? [env.SECURE_PROXY_SSL_HEADER.toLowerCase(), 'https'] : null,
    // no inline script or style anywhere: scripts and styles come from 'self', inline ones need the nonce
    SECURE_CSP: {
      'default-src': [CSP.SELF],
      'script-src': [CSP.SELF, CSP.NONCE],
      'style-src': [CSP.SELF],
      'img-src': [CSP.SELF, 'data:'],
      'object-src': [CSP.NONE],
      'base-uri': [CSP.SELF],
      'form-action': [CSP.SELF],
      'frame-ancestors': [CSP.NONE],
    },
    TEMPLATES: [
      {
        DIRS: [resolve(BASE_DIR, 'templates')],
        APP_DIRS: true,
        OPTIONS: {
          contextProcessors: [
            contextProcessors.request,
            contextProcessors.static,
            contextProcessors.media,
            securityContextProcessor,
            authContext.auth,
            authContext.messages,
            siteContext,
          ],
        },
      },
    ],
  });
}
