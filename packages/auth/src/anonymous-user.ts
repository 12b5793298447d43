import { type AuthUserMethods, collectPermissions, userHasModulePerms, userHasPerm, userHasPerms } from './user-methods';

const NOT_SUPPORTED = 'Manouche doesn’t provide a DB representation for AnonymousUser.';

/**
 * Django's AnonymousUser: `request.user` when nobody is logged in. No id, no
 * groups, never staff; permission checks still ask the backends (one may
 * grant anonymous permissions on objects).
 */
export class AnonymousUser implements AuthUserMethods {
  readonly id = null;
  readonly pk = null;
  readonly username = '';
  readonly isStaff = false;
  readonly isActive = false;
  readonly isSuperuser = false;
  readonly isAuthenticated = false;
  readonly isAnonymous = true;

  toString(): string {
    return 'AnonymousUser';
  }

  getUsername(): string {
    return this.username;
  }

  getFullName(): string {
    return '';
  }

  getShortName(): string {
    return '';
  }

  setPassword(): Promise<void> {
    return Promise.reject(new TypeError(NOT_SUPPORTED));
  }

  checkPassword(): Promise<boolean> {
    return Promise.reject(new TypeError(NOT_SUPPORTED));
  }

  setUnusablePassword(): Promise<void> {
    return Promise.reject(new TypeError(NOT_SUPPORTED));
  }

  hasUsablePassword(): boolean {
    return false;
  }

  getSessionAuthHash(): string {
    return '';
  }

  getSessionAuthFallbackHash(): string[] {
    return [];
  }

  save(): Promise<void> {
    return Promise.reject(new TypeError(NOT_SUPPORTED));
  }

  delete(): Promise<void> {
    return Promise.reject(new TypeError(NOT_SUPPORTED));
  }

  getUserPermissions(obj?: unknown): Promise<Set<string>> {
    return collectPermissions(this as never, 'getUserPermissions', obj);
  }

  getGroupPermissions(obj?: unknown): Promise<Set<string>> {
    return collectPermissions(this as never, 'getGroupPermissions', obj);
  }

  getAllPermissions(obj?: unknown): Promise<Set<string>> {
    return collectPermissions(this as never, 'getAllPermissions', obj);
  }

  hasPerm(perm: string, obj?: unknown): Promise<boolean> {
    return userHasPerm(this as never, perm, obj);
  }

  hasPerms(perms: Iterable<string>, obj?: unknown): Promise<boolean> {
    return userHasPerms(this as never, perms, obj);
  }

  hasModulePerms(appLabel: string): Promise<boolean> {
    return userHasModulePerms(this as never, appLabel);
  }
}

/** The one AnonymousUser (it holds no state). */
export const anonymousUser: AnonymousUser = Object.freeze(new AnonymousUser()) as AnonymousUser;
