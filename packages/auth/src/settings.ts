import type { Settings } from '@manouche/core';
import type { RateLimitStore } from '@manouche/security';
import { ModelBackend } from './backends/model-backend';
import type { AuthBackendSetting } from './backends/types';
import { Argon2PasswordHasher } from './hashers/argon2';
import { BCryptSHA256PasswordHasher } from './hashers/bcrypt';
import type { PasswordHasherSetting } from './hashers/hasher';
import { PBKDF2PasswordHasher, PBKDF2SHA1PasswordHasher } from './hashers/pbkdf2';
import { ScryptPasswordHasher } from './hashers/scrypt';
import type { EmailBackendSetting } from './mail/backends';
import type { MessageStorageSetting } from './messages/storage';
import {
  CommonPasswordValidator,
  MinimumLengthValidator,
  NumericPasswordValidator,
  type PasswordValidatorSetting,
  UserAttributeSimilarityValidator,
} from './password-validation';
import type { SessionEngineSetting } from './sessions/engines';

/** Login throttling (beyond Django): attempts per username and per client IP. */
export interface LoginThrottleSetting {
  /** Attempts per username (any spelling case) per period: `5/15m`. `null` turns it off. */
  USERNAME_RATE: string | null;
  /** Attempts per client IP per period: `30/15m`. `null` turns it off. */
  IP_RATE: string | null;
  /** Where counts live: a MemoryStore by default (per process); RedisStore from `@manouche/security/redis` to share them. */
  STORE?: RateLimitStore | null;
}

/** Every setting of @manouche/auth (users, sessions, messages, email), with Django's names. */
export interface AuthSettings {
  /** The user model, `app.Model` (Django's swappable user). */
  AUTH_USER_MODEL: string;
  /** Backends tried in order by `authenticate()` and asked by `hasPerm()`. */
  AUTHENTICATION_BACKENDS: AuthBackendSetting[];
  /** The first hashes new passwords; all of them verify stored ones. */
  PASSWORD_HASHERS: PasswordHasherSetting[];
  /** Threads running Argon2 and bcrypt (PBKDF2 and scrypt use libuv's pool). */
  PASSWORD_HASHING_THREADS: number;
  AUTH_PASSWORD_VALIDATORS: PasswordValidatorSetting[];
  LOGIN_URL: string;
  LOGIN_REDIRECT_URL: string;
  LOGOUT_REDIRECT_URL: string | null;
  /** Seconds a password reset link stays valid (three days). */
  PASSWORD_RESET_TIMEOUT: number;
  /** Throttling of login attempts, or null for none. */
  AUTH_LOGIN_THROTTLE: LoginThrottleSetting | null;

  SESSION_ENGINE: SessionEngineSetting;
  SESSION_CACHE_ALIAS: string;
  SESSION_COOKIE_NAME: string;
  /** Seconds (two weeks). */
  SESSION_COOKIE_AGE: number;
  SESSION_COOKIE_DOMAIN: string | null;
  SESSION_COOKIE_PATH: string;
  /** Force the Secure flag; the cookie is Secure over HTTPS anyway. */
  SESSION_COOKIE_SECURE: boolean;
  SESSION_COOKIE_HTTPONLY: boolean;
  SESSION_COOKIE_SAMESITE: 'Lax' | 'Strict' | 'None' | false;
  SESSION_EXPIRE_AT_BROWSER_CLOSE: boolean;
  SESSION_SAVE_EVERY_REQUEST: boolean;

  MESSAGE_STORAGE: MessageStorageSetting;
  MESSAGE_LEVEL: number;
  MESSAGE_TAGS: Record<number, string>;

  EMAIL_BACKEND: EmailBackendSetting;
  EMAIL_HOST: string;
  EMAIL_PORT: number;
  EMAIL_HOST_USER: string;
  EMAIL_HOST_PASSWORD: string;
  EMAIL_USE_TLS: boolean;
  EMAIL_USE_SSL: boolean;
  /** Seconds, or null for nodemailer's defaults. */
  EMAIL_TIMEOUT: number | null;
  /** Folder of the `file` backend. */
  EMAIL_FILE_PATH: string | null;
  DEFAULT_FROM_EMAIL: string;
}

declare module '@manouche/core' {
  interface Settings extends AuthSettings {}
}

/**
 * Django's defaults (and secure ones for what Django leaves empty: the four
 * password validators are on). Built on first use: the backends, hashers and
 * validators modules import this one.
 */
function buildDefaults(): AuthSettings {
  return {
    AUTH_USER_MODEL: 'auth.User',
    AUTHENTICATION_BACKENDS: [ModelBackend],
    PASSWORD_HASHERS: [PBKDF2PasswordHasher, PBKDF2SHA1PasswordHasher, Argon2PasswordHasher, BCryptSHA256PasswordHasher, ScryptPasswordHasher],
    AUTH_PASSWORD_VALIDATORS: [
      { NAME: UserAttributeSimilarityValidator },
      { NAME: MinimumLengthValidator },
      { NAME: CommonPasswordValidator },
      { NAME: NumericPasswordValidator },
    ],
    PASSWORD_HASHING_THREADS: 2,
    LOGIN_URL: '/accounts/login/',
    LOGIN_REDIRECT_URL: '/accounts/profile/',
    LOGOUT_REDIRECT_URL: null,
    PASSWORD_RESET_TIMEOUT: 60 * 60 * 24 * 3,
    AUTH_LOGIN_THROTTLE: { USERNAME_RATE: '5/15m', IP_RATE: '30/15m', STORE: null },

    SESSION_ENGINE: 'db',
    SESSION_CACHE_ALIAS: 'default',
    SESSION_COOKIE_NAME: 'sessionid',
    SESSION_COOKIE_AGE: 60 * 60 * 24 * 7 * 2,
    SESSION_COOKIE_DOMAIN: null,
    SESSION_COOKIE_PATH: '/',
    SESSION_COOKIE_SECURE: false,
    SESSION_COOKIE_HTTPONLY: true,
    SESSION_COOKIE_SAMESITE: 'Lax',
    SESSION_EXPIRE_AT_BROWSER_CLOSE: false,
    SESSION_SAVE_EVERY_REQUEST: false,

    MESSAGE_STORAGE: 'session',
    MESSAGE_LEVEL: 20,
    MESSAGE_TAGS: {},

    EMAIL_BACKEND: 'smtp',
    EMAIL_HOST: 'localhost',
    EMAIL_PORT: 25,
    EMAIL_HOST_USER: '',
    EMAIL_HOST_PASSWORD: '',
    EMAIL_USE_TLS: false,
    EMAIL_USE_SSL: false,
    EMAIL_TIMEOUT: null,
    EMAIL_FILE_PATH: null,
    DEFAULT_FROM_EMAIL: 'webmaster@localhost',
  };
}

let defaults: AuthSettings | undefined;

/** The defaults `authApp()` adds to the settings. */
export function authDefaults(): AuthSettings {
  return (defaults ??= buildDefaults());
}

const resolved = new WeakMap<object, AuthSettings>();

/**
 * The auth settings of an application: its own values over the defaults, so
 * every piece works with or without authApp() in INSTALLED_APPS. Computed
 * once per settings object.
 */
export function authSettings(settings: Settings | Partial<AuthSettings>): AuthSettings {
  let result = resolved.get(settings);
  if (!result) {
    const base = authDefaults();
    const own = settings as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...base };
    for (const key of Object.keys(base)) if (own[key] !== undefined) merged[key] = own[key];
    result = merged as unknown as AuthSettings;
    resolved.set(settings, result);
  }
  return result;
}
