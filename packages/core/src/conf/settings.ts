import type { AppConfig } from '../apps/app-config';
import type { Middleware } from '../middleware/types';
import { ImproperlyConfigured } from '../errors/exceptions';
import { commonMiddleware } from '../middleware/common';
import { applyEnvironment } from './environment';
import { secretKeyProblem } from './secret-key';

/**
 * Every setting, with Django's names. Other packages add theirs through
 * declaration merging:
 *
 * ```ts
 * declare module '@manouche/core' {
 *   interface Settings { CACHES: CachesSetting }
 * }
 * ```
 */
export interface Settings {
  /** Show detailed error pages and reload templates. Never true in production. */
  DEBUG: boolean;
  /** Signs cookies, tokens and sessions. Required and strong when DEBUG is false. */
  SECRET_KEY: string;
  /** Older keys still accepted when verifying signatures, for key rotation. */
  SECRET_KEY_FALLBACKS: string[];
  /** Host names this site serves: `example.com`, `.example.com` (and subdomains), `*` (any). */
  ALLOWED_HOSTS: string[];
  /** The apps making up the project, in order: each may add settings defaults, commands, checks, templates and static files. */
  INSTALLED_APPS: AppConfig[];
  /** The middleware, outermost first. */
  MIDDLEWARE: Middleware[];
  /** Redirect `/path` to `/path/` when only the latter matches a URL pattern. */
  APPEND_SLASH: boolean;
  /** Prefix added by `reverse()` when the app is mounted under a path (e.g. inside Express). */
  FORCE_SCRIPT_NAME: string | null;
  DEFAULT_CHARSET: string;
  /** Largest request body read into memory (bytes), or null for no limit. */
  DATA_UPLOAD_MAX_MEMORY_SIZE: number | null;
  DATA_UPLOAD_MAX_NUMBER_FIELDS: number | null;
  DATA_UPLOAD_MAX_NUMBER_FILES: number | null;
  /** Uploads larger than this (bytes) are streamed to a temp file instead of memory. */
  FILE_UPLOAD_MAX_MEMORY_SIZE: number;
  /** Largest single uploaded file (bytes), or null for no limit. */
  FILE_UPLOAD_MAX_SIZE: number | null;
  FILE_UPLOAD_TEMP_DIR: string | null;
  /** Longest accepted request URL; longer ones get a 414. */
  MAX_URL_LENGTH: number;
  STATIC_URL: string;
  STATIC_ROOT: string | null;
  STATICFILES_DIRS: string[];
  MEDIA_URL: string;
  MEDIA_ROOT: string | null;
  /** Use X-Forwarded-Host for the host (only behind a proxy that sets it). */
  USE_X_FORWARDED_HOST: boolean;
  USE_X_FORWARDED_PORT: boolean;
  /** `['x-forwarded-proto', 'https']`: the header and value by which a trusted proxy says the request was HTTPS. */
  SECURE_PROXY_SSL_HEADER: [string, string] | null;
  /** Addresses or CIDR ranges of proxies whose X-Forwarded-For is believed for the client IP. */
  TRUSTED_PROXIES: string[];
  /** Seconds a client has to send its request headers (slowloris defence). */
  HTTP_HEADERS_TIMEOUT: number;
  /** Seconds a client has to send its whole request, body included. */
  HTTP_REQUEST_TIMEOUT: number;
  /** Seconds an idle keep-alive connection stays open. */
  HTTP_KEEP_ALIVE_TIMEOUT: number;
  /** Seconds graceful shutdown waits for in-flight requests before closing connections. */
  SHUTDOWN_TIMEOUT: number;
  /** Setting names (or parts of names) whose values the debug page masks. */
  HIDDEN_SETTINGS: RegExp;
}

export type UserSettings = Partial<Settings>;

/** Identity function that gives a settings module its type. */
export function defineSettings<S extends UserSettings>(settings: S): S {
  return settings;
}

export const coreDefaults: Settings = {
  DEBUG: false,
  SECRET_KEY: '',
  SECRET_KEY_FALLBACKS: [],
  ALLOWED_HOSTS: [],
  INSTALLED_APPS: [],
  MIDDLEWARE: [commonMiddleware],
  APPEND_SLASH: true,
  FORCE_SCRIPT_NAME: null,
  DEFAULT_CHARSET: 'utf-8',
  DATA_UPLOAD_MAX_MEMORY_SIZE: 2.5 * 1024 * 1024,
  DATA_UPLOAD_MAX_NUMBER_FIELDS: 1000,
  DATA_UPLOAD_MAX_NUMBER_FILES: 100,
  FILE_UPLOAD_MAX_MEMORY_SIZE: 2.5 * 1024 * 1024,
  FILE_UPLOAD_MAX_SIZE: 50 * 1024 * 1024,
  FILE_UPLOAD_TEMP_DIR: null,
  MAX_URL_LENGTH: 8192,
  STATIC_URL: '/static/',
  STATIC_ROOT: null,
  STATICFILES_DIRS: [],
  MEDIA_URL: '/media/',
  MEDIA_ROOT: null,
  USE_X_FORWARDED_HOST: false,
  USE_X_FORWARDED_PORT: false,
  SECURE_PROXY_SSL_HEADER: null,
  TRUSTED_PROXIES: [],
  HTTP_HEADERS_TIMEOUT: 20,
  HTTP_REQUEST_TIMEOUT: 60,
  HTTP_KEEP_ALIVE_TIMEOUT: 5,
  SHUTDOWN_TIMEOUT: 10,
  HIDDEN_SETTINGS: /API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE_URL|CACHE_URL/i,
};

export interface BuildSettingsOptions {
  /** Environment variables to read `MANOUCHE_<NAME>` overrides from (default: process.env). */
  env?: Record<string, string | undefined>;
}

/**
 * Compose the settings: core defaults < each installed app's defaults < the
 * project's settings < `MANOUCHE_<NAME>` environment variables. The result is
 * frozen, and with DEBUG off it must carry a strong SECRET_KEY.
 */
export function buildSettings(user: UserSettings, options: BuildSettingsOptions = {}): Settings {
  const merged: Record<string, unknown> = { ...coreDefaults };
  for (const app of user.INSTALLED_APPS ?? []) {
    for (const [key, value] of Object.entries(app.defaults ?? {})) {
      // an app's default must not override another app's setting the project set explicitly
      if (!(key in user)) merged[key] = value;
    }
  }
  for (const [key, value] of Object.entries(user)) if (value !== undefined) merged[key] = value;
  applyEnvironment(merged, options.env ?? process.env);
  validateCoreSettings(merged as unknown as Settings);
  return Object.freeze(merged) as unknown as Settings;
}

function validateCoreSettings(s: Settings): void {
  const expect = (name: keyof Settings, ok: boolean, what: string): void => {
    if (!ok) throw new ImproperlyConfigured(`The ${name} setting must be ${what}; got ${describe(s[name])}.`);
  };
  expect('DEBUG', typeof s.DEBUG === 'boolean', 'true or false');
  expect('SECRET_KEY', typeof s.SECRET_KEY === 'string', 'a string');
  expect('ALLOWED_HOSTS', Array.isArray(s.ALLOWED_HOSTS) && s.ALLOWED_HOSTS.every((h) => typeof h === 'string'), 'a list of host names');
  expect('MIDDLEWARE', Array.isArray(s.MIDDLEWARE) && s.MIDDLEWARE.every((m) => typeof m === 'function'), 'a list of middleware functions');
  expect('INSTALLED_APPS', Array.isArray(s.INSTALLED_APPS), 'a list of app configs');
  for (const name of ['DATA_UPLOAD_MAX_MEMORY_SIZE', 'DATA_UPLOAD_MAX_NUMBER_FIELDS', 'DATA_UPLOAD_MAX_NUMBER_FILES', 'FILE_UPLOAD_MAX_SIZE'] as const) {
    expect(name, s[name] === null || (Number.isInteger(s[name]) && (s[name] as number) >= 0), 'a whole number of bytes or null');
  }
  if (!s.STATIC_URL.endsWith('/')) throw new ImproperlyConfigured(`STATIC_URL must end with a slash; got ${JSON.stringify(s.STATIC_URL)}.`);
  if (!s.MEDIA_URL.endsWith('/')) throw new ImproperlyConfigured(`MEDIA_URL must end with a slash; got ${JSON.stringify(s.MEDIA_URL)}.`);
  if (!s.DEBUG) {
    const problem = secretKeyProblem(s.SECRET_KEY);
    if (problem) {
      throw new ImproperlyConfigured(
        `Refusing to start with DEBUG=false: ${problem}. Set a long random SECRET_KEY (for example in the MANOUCHE_SECRET_KEY environment variable); generate one with: node -e "console.log(require('crypto').randomBytes(48).toString('base64url'))"`,
      );
    }
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : `${String(value)} (${typeof value})`;
}

let current: Settings | undefined;

/** Make `settings` the process-wide settings read by `getSettings()`. */
export function configure(user: UserSettings | Settings, options?: BuildSettingsOptions): Settings {
  current = Object.isFrozen(user) ? (user as Settings) : buildSettings(user, options);
  return current;
}

/** The process-wide settings, as Django's `django.conf.settings`. */
export function getSettings(): Settings {
  if (!current) {
    throw new ImproperlyConfigured('Settings are not configured: create the application with createApp({ settings }) or call configure(settings) first.');
  }
  return current;
}

/** True once `configure()` or `createApp()` ran. */
export function settingsConfigured(): boolean {
  return current !== undefined;
}

/**
 * `settings.DEBUG` reads the process-wide settings, like Django's lazy
 * settings object. Hot paths should keep a reference from `getSettings()`.
 */
export const settings: Readonly<Settings> = new Proxy({} as Settings, {
  get: (_target, key) => (getSettings() as unknown as Record<PropertyKey, unknown>)[key],
  has: (_target, key) => key in getSettings(),
  ownKeys: () => Reflect.ownKeys(getSettings()),
  getOwnPropertyDescriptor: (_target, key) => {
    const value = (getSettings() as unknown as Record<PropertyKey, unknown>)[key];
    return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: false };
  },
  set: () => {
    throw new ImproperlyConfigured('Settings are read-only once configured; pass changes to createApp() or configure().');
  },
});
