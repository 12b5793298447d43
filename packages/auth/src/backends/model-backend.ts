import type { HttpRequest } from '@manouche/core';
import { ObjectDoesNotExist } from '@manouche/orm';
import { getUserModel } from '../get-user-model';
import { makePassword } from '../hashers/index';
import { Permission } from '../models';
import type { AuthUser } from '../user-methods';
import type { AuthBackend, Credentials } from './types';

const USER_PERMS = Symbol('userPermCache');
const GROUP_PERMS = Symbol('groupPermCache');
const ALL_PERMS = Symbol('permCache');

type Cached = AuthUser & { [USER_PERMS]?: Set<string>; [GROUP_PERMS]?: Set<string>; [ALL_PERMS]?: Set<string> };

/** The permissions loaded on a user object so far (by hasPerm/getAllPermissions), or undefined. */
export function cachedPermissions(user: object): Set<string> | undefined {
  return (user as Cached)[ALL_PERMS];
}

/** Forget a user object's loaded permissions (after changing its groups or permissions). */
export function clearPermissionCache(user: object): void {
  const cached = user as Cached;
  delete cached[USER_PERMS];
  delete cached[GROUP_PERMS];
  delete cached[ALL_PERMS];
}

const asNames = (rows: ReadonlyArray<readonly [unknown, unknown]>): Set<string> => new Set(rows.map(([app, codename]) => `${String(app)}.${String(codename)}`));

/**
 * Django's ModelBackend: username and password against the user model,
 * permissions from the user's own and their groups' Permission rows (loaded
 * once per user object). Inactive users cannot log in and have no
 * permissions. It answers no object-level checks: add a backend for those.
 */
export class ModelBackend implements AuthBackend {
  readonly name: string = 'ModelBackend';

  async authenticate(_request: HttpRequest | null, credentials: Credentials): Promise<AuthUser | null> {
    const UserModel = getUserModel();
    const username = credentials.username ?? credentials[UserModel.USERNAME_FIELD];
    const password = credentials.password;
    if (typeof username !== 'string' || typeof password !== 'string') return null;
    let user: AuthUser;
    try {
      user = (await UserModel.objects.getByNaturalKey(username)) as unknown as AuthUser;
    } catch (error) {
      if (!(error instanceof ObjectDoesNotExist)) throw error;
      // hash once anyway, so an unknown username takes as long as a wrong password
      await makePassword(password);
      return null;
    }
    return (await user.checkPassword(password)) && this.userCanAuthenticate(user) ? user : null;
  }

  /** Refuse inactive users (Django's `user_can_authenticate`). */
  userCanAuthenticate(user: AuthUser): boolean {
    return user.isActive !== false;
  }

  async getUser(userId: unknown): Promise<AuthUser | null> {
    const UserModel = getUserModel();
    // every authenticated request runs this: a plain filter costs a fraction of get()'s checks
    const [user] = (await UserModel.objects.filter({ [UserModel._meta.pk.name]: userId } as never).fetchAll()) as unknown as AuthUser[];
    return user && this.userCanAuthenticate(user) ? user : null;
  }

  private usable(user: AuthUser, obj: unknown): boolean {
    return user.isActive !== false && !user.isAnonymous && obj === undefined;
  }

  async getUserPermissions(user: AuthUser, obj?: unknown): Promise<Set<string>> {
    if (!this.usable(user, obj)) return new Set();
    const cached = user as Cached;
    if (!cached[USER_PERMS]) {
      const rows = user.isSuperuser ? await Permission.objects.valuesList('appLabel', 'codename') : await Permission.objects.filter({ [userQueryName()]: user.pk } as never).valuesList('appLabel', 'codename');
      cached[USER_PERMS] = asNames(rows);
    }
    return cached[USER_PERMS];
  }

  async getGroupPermissions(user: AuthUser, obj?: unknown): Promise<Set<string>> {
    if (!this.usable(user, obj)) return new Set();
    const cached = user as Cached;
    if (!cached[GROUP_PERMS]) {
      const rows = user.isSuperuser
        ? await Permission.objects.valuesList('appLabel', 'codename')
        : await Permission.objects.filter({ [`group__${userQueryName('groups')}`]: user.pk } as never).valuesList('appLabel', 'codename');
      cached[GROUP_PERMS] = asNames(rows);
    }
    return cached[GROUP_PERMS];
  }

  async getAllPermissions(user: AuthUser, obj?: unknown): Promise<Set<string>> {
    if (!this.usable(user, obj)) return new Set();
    const cached = user as Cached;
    if (!cached[ALL_PERMS]) {
      const [own, groups] = await Promise.all([this.getUserPermissions(user), this.getGroupPermissions(user)]);
      cached[ALL_PERMS] = new Set([...own, ...groups]);
    }
    return cached[ALL_PERMS];
  }

  async hasPerm(user: AuthUser, perm: string, obj?: unknown): Promise<boolean> {
    return user.isActive !== false && (await this.getAllPermissions(user, obj)).has(perm);
  }

  async hasModulePerms(user: AuthUser, appLabel: string): Promise<boolean> {
    if (user.isActive === false) return false;
    for (const perm of await this.getAllPermissions(user)) if (perm.slice(0, perm.indexOf('.')) === appLabel) return true;
    return false;
  }
}

/** Django's AllowAllUsersModelBackend: inactive users can log in (the login form then says the account is inactive). */
export class AllowAllUsersModelBackend extends ModelBackend {
  override readonly name: string = 'AllowAllUsersModelBackend';

  override userCanAuthenticate(): boolean {
    return true;
  }
}

/** The name lookups use to go from Permission (or Group) to the user model, through its `userPermissions` (or `groups`) field. */
function userQueryName(field: 'userPermissions' | 'groups' = 'userPermissions'): string {
  const related = getUserModel()._meta.fieldMap.get(field) as { relatedQueryName?: string } | undefined;
  if (!related?.relatedQueryName) throw new TypeError(`The user model ${getUserModel()._meta.label} has no ${field} field: add permissionsMixinFields() to use ModelBackend's permissions.`);
  return related.relatedQueryName;
}
