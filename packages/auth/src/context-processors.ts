import type { HttpRequest } from '@manouche/core';
import { type AnonymousUser, anonymousUser } from './anonymous-user';
import { getMessages } from './messages/api';
import { DEFAULT_LEVELS } from './messages/constants';
import type { Message } from './messages/storage';
import { hasUser, loadedUser } from './request-user';
import type { AuthUser } from './user-methods';

/**
 * Django's PermWrapper for templates: `it.perms.has('news.change_article')`,
 * `it.perms.news.change_article`, `it.perms.hasModule('news')`.
 */
export class PermWrapper {
  [app: string]: unknown;

  constructor(all: boolean, perms: ReadonlySet<string>) {
    const has = (perm: string): boolean => all || perms.has(perm);
    const hasModule = (app: string): boolean => all || [...perms].some((p) => p.startsWith(`${app}.`));
    return new Proxy(this, {
      get(target, key) {
        if (key === 'has') return has;
        if (key === 'hasModule') return hasModule;
        if (typeof key !== 'string') return Reflect.get(target, key);
        return new Proxy({}, { get: (_t, codename) => (typeof codename === 'string' ? has(`${key}.${codename}`) : undefined) });
      },
    });
  }

  declare has: (perm: string) => boolean;
  declare hasModule: (appLabel: string) => boolean;
}

const userOf = (request: HttpRequest): AuthUser | AnonymousUser | Promise<AuthUser | AnonymousUser> => {
  if (!hasUser(request)) return anonymousUser;
  return loadedUser(request) ?? request.auser();
};

/**
 * Django's `auth` context processor, the `user` half: `it.user`. Free for
 * anonymous visitors and for a user the view already loaded; a logged-in
 * user not loaded yet is loaded here (one query) before rendering.
 */
export function authContextProcessor(request: HttpRequest): { user: AuthUser | AnonymousUser } | Promise<{ user: AuthUser | AnonymousUser }> {
  if (!hasUser(request)) return { user: anonymousUser };
  const known = loadedUser(request);
  return known ? { user: known } : request.auser().then((user) => ({ user }));
}

/**
 * Django's `auth` context processor, the `perms` half: `it.perms`. It loads
 * the user's permissions before rendering (active superusers have all of
 * them without a query), so add it only if your templates check permissions.
 */
export async function permsContextProcessor(request: HttpRequest): Promise<{ perms: PermWrapper }> {
  const user = await userOf(request);
  if (!user.isAuthenticated || (user as AuthUser).isActive === false) return { perms: new PermWrapper(false, new Set()) };
  if ((user as AuthUser).isSuperuser === true) return { perms: new PermWrapper(true, new Set()) };
  return { perms: new PermWrapper(false, await user.getAllPermissions()) };
}

/** Django's `messages` context processor: `it.messages` (iterating shows them once) and `it.DEFAULT_MESSAGE_LEVELS`. */
export function messagesContextProcessor(request: HttpRequest): { readonly messages: Iterable<Message>; readonly DEFAULT_MESSAGE_LEVELS: typeof DEFAULT_LEVELS } {
  return {
    get messages() {
      return getMessages(request);
    },
    DEFAULT_MESSAGE_LEVELS: DEFAULT_LEVELS,
  };
}

/** The context processors, for TEMPLATES' `contextProcessors`. */
export const contextProcessors = {
  auth: authContextProcessor,
  perms: permsContextProcessor,
  messages: messagesContextProcessor,
};
