import { getSettings, PermissionDenied, saltedHmac } from '@manouche/core';
import { checkPassword, isPasswordUsable, makePassword } from './hashers/index';
import { getBackends } from './backends/index';

/** Methods of every user, logged in (a user model instance) or not (AnonymousUser). */
export interface AuthUserMethods {
  /** Always true for a user object (Django's `is_authenticated`); false for AnonymousUser. */
  readonly isAuthenticated: boolean;
  readonly isAnonymous: boolean;
  /** The backend that authenticated this user (set by `authenticate()`). */
  backend?: string;
  getUsername(): string;
  /** Hash and set a new password (`null`: an unusable one); save the user afterwards. */
  setPassword(rawPassword: string | null): Promise<void>;
  /** Whether `rawPassword` is the password; an outdated hash is replaced and saved when it is. */
  checkPassword(rawPassword: string): Promise<boolean>;
  setUnusablePassword(): Promise<void>;
  hasUsablePassword(): boolean;
  /** An HMAC of the password hash: sessions holding another one (after a password change) are logged out. */
  getSessionAuthHash(): string;
  /** The same with each SECRET_KEY_FALLBACKS key, so rotating SECRET_KEY does not log everyone out. */
  getSessionAuthFallbackHash(): string[];
  getUserPermissions(obj?: unknown): Promise<Set<string>>;
  getGroupPermissions(obj?: unknown): Promise<Set<string>>;
  getAllPermissions(obj?: unknown): Promise<Set<string>>;
  /** `await user.hasPerm('news.change_article')`, or with an object for object-level backends. */
  hasPerm(perm: string, obj?: unknown): Promise<boolean>;
  hasPerms(perms: Iterable<string>, obj?: unknown): Promise<boolean>;
  hasModulePerms(appLabel: string): Promise<boolean>;
  getFullName(): string;
  getShortName(): string;
}

/** What auth needs of a user object (a user model instance, with the auth methods). */
export interface AuthUser extends AuthUserMethods {
  pk: unknown;
  password: string;
  lastLogin?: Date | null;
  isActive?: boolean;
  isStaff?: boolean;
  isSuperuser?: boolean;
  save(options?: { updateFields?: readonly string[] }): Promise<void>;
}

/** Marks model classes declared with defineUserModel(). */
export const USER_METHODS = Symbol.for('@manouche/auth.userMethods');

const SESSION_HASH_SALT = 'manouche.auth.models.AbstractBaseUser.getSessionAuthHash';

type Statics = { USERNAME_FIELD: string; EMAIL_FIELD: string; objects: { normalizeEmail(email: string): string } };
type Self = AuthUser & Record<string, unknown>;

// Each authenticated request compares the session's hash with the user's: remember the HMACs
// of recent password hashes rather than computing two hashes per request.
const sessionHashes = new Map<string, string>();

function sessionAuthHash(password: string, secret: string): string {
  const key = `${secret}\u0000${password}`;
  let hash = sessionHashes.get(key);
  if (hash === undefined) {
    hash = saltedHmac(SESSION_HASH_SALT, password, secret).toString('hex');
    if (sessionHashes.size >= 10_000) sessionHashes.clear();
    sessionHashes.set(key, hash);
  }
  return hash;
}

const statics = (user: object): Statics => user.constructor as unknown as Statics;

/**
 * Django's `_user_has_perm`: ask each backend; the first yes wins, a
 * PermissionDenied from one of them is a no.
 */
export async function userHasPerm(user: AuthUser, perm: string, obj?: unknown): Promise<boolean> {
  for (const { backend } of getBackends()) {
    if (!backend.hasPerm) continue;
    try {
      if (await backend.hasPerm(user, perm, obj)) return true;
    } catch (error) {
      if (error instanceof PermissionDenied) return false;
      throw error;
    }
  }
  return false;
}

/** True when the user has every permission in `perms` (Django's `has_perms`). */
export async function userHasPerms(user: Pick<AuthUserMethods, 'hasPerm'>, perms: Iterable<string>, obj?: unknown): Promise<boolean> {
  if (typeof perms === 'string') throw new TypeError('hasPerms() takes a list of permission names, not one string; use hasPerm() for one.');
  for (const perm of perms) if (!(await user.hasPerm(perm, obj))) return false;
  return true;
}

/** Django's `_user_has_module_perms`. */
export async function userHasModulePerms(user: AuthUser, appLabel: string): Promise<boolean> {
  for (const { backend } of getBackends()) {
    if (!backend.hasModulePerms) continue;
    try {
      if (await backend.hasModulePerms(user, appLabel)) return true;
    } catch (error) {
      if (error instanceof PermissionDenied) return false;
      throw error;
    }
  }
  return false;
}

/** Every backend's answer to getUserPermissions/getGroupPermissions/getAllPermissions, merged. */
export async function collectPermissions(user: AuthUser, kind: 'getUserPermissions' | 'getGroupPermissions' | 'getAllPermissions', obj: unknown): Promise<Set<string>> {
  const out = new Set<string>();
  for (const { backend } of getBackends()) {
    const method = backend[kind];
    if (method) for (const perm of await method.call(backend, user, obj)) out.add(perm);
  }
  return out;
}

const methods: ThisType<Self> & Omit<AuthUserMethods, 'isAuthenticated' | 'isAnonymous' | 'backend'> & { clean(): void } = {
  getUsername() {
    return String(this[statics(this).USERNAME_FIELD] ?? '');
  },
  async setPassword(rawPassword) {
    this.password = await makePassword(rawPassword);
  },
  checkPassword(rawPassword) {
    // a correct password stored with an outdated hasher or work factor is rehashed and saved
    return checkPassword(rawPassword, this.password, async (raw) => {
      await this.setPassword(raw);
      if (this.pk !== null && this.pk !== undefined) await this.save({ updateFields: ['password'] });
    });
  },
  async setUnusablePassword() {
    this.password = await makePassword(null);
  },
  hasUsablePassword() {
    return isPasswordUsable(this.password);
  },
  getSessionAuthHash() {
    return sessionAuthHash(String(this.password), getSettings().SECRET_KEY);
  },
  getSessionAuthFallbackHash() {
    return getSettings().SECRET_KEY_FALLBACKS.map((key) => sessionAuthHash(String(this.password), key));
  },
  getUserPermissions(obj) {
    return collectPermissions(this, 'getUserPermissions', obj);
  },
  getGroupPermissions(obj) {
    return collectPermissions(this, 'getGroupPermissions', obj);
  },
  getAllPermissions(obj) {
    return collectPermissions(this, 'getAllPermissions', obj);
  },
  async hasPerm(perm, obj) {
    // active superusers have every permission
    if (this.isActive !== false && this.isSuperuser === true) return true;
    return userHasPerm(this, perm, obj);
  },
  hasPerms(perms, obj) {
    return userHasPerms(this, perms, obj);
  },
  async hasModulePerms(appLabel) {
    if (this.isActive !== false && this.isSuperuser === true) return true;
    return userHasModulePerms(this, appLabel);
  },
  getFullName() {
    return `${String(this.firstName ?? '')} ${String(this.lastName ?? '')}`.trim();
  },
  getShortName() {
    return String(this.firstName ?? '');
  },
  clean() {
    const model = statics(this);
    const username = this[model.USERNAME_FIELD];
    if (typeof username === 'string') this[model.USERNAME_FIELD] = username.normalize('NFKC');
    const email = this[model.EMAIL_FIELD];
    if (typeof email === 'string') this[model.EMAIL_FIELD] = model.objects.normalizeEmail(email);
  },
};

/** Put the auth methods on a user model's prototype (defineUserModel does it). */
export function installUserMethods(model: { prototype: object }): void {
  const proto = model.prototype;
  for (const [name, fn] of Object.entries(methods)) Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
  Object.defineProperty(proto, 'isAuthenticated', { value: true, configurable: true });
  Object.defineProperty(proto, 'isAnonymous', { value: false, configurable: true });
  Object.defineProperty(model, USER_METHODS, { value: true });
}
