import type { Awaitable, HttpRequest } from '@manouche/core';
import type { AuthUser } from '../user-methods';

/** Credentials passed to `authenticate()`: `{ username, password }` for the model backend. */
export type Credentials = Record<string, unknown>;

/**
 * An authentication backend (Django's): every method is optional. `hasPerm`
 * receives the object of an object-level check (`user.hasPerm('news.change_article', article)`);
 * throwing PermissionDenied from it or from `authenticate` stops the search.
 */
export interface AuthBackend {
  /** What the session stores to find this backend again (default: the class name). */
  readonly name?: string;
  authenticate?(request: HttpRequest | null, credentials: Credentials): Awaitable<AuthUser | null | undefined>;
  getUser?(userId: unknown): Awaitable<AuthUser | null | undefined>;
  getUserPermissions?(user: AuthUser, obj?: unknown): Awaitable<Set<string>>;
  getGroupPermissions?(user: AuthUser, obj?: unknown): Awaitable<Set<string>>;
  getAllPermissions?(user: AuthUser, obj?: unknown): Awaitable<Set<string>>;
  hasPerm?(user: AuthUser, perm: string, obj?: unknown): Awaitable<boolean>;
  hasModulePerms?(user: AuthUser, appLabel: string): Awaitable<boolean>;
}

/** An AUTHENTICATION_BACKENDS entry: a backend class (instantiated once) or an instance. */
export type AuthBackendSetting = AuthBackend | (new () => AuthBackend);
