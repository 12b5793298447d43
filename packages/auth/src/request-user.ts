import { HttpRequest, ImproperlyConfigured } from '@manouche/core';
import { type AnonymousUser, anonymousUser } from './anonymous-user';
import type { AuthUser } from './user-methods';

declare module '@manouche/core' {
  interface HttpRequest {
    /**
     * The current user (Django's `request.user`), loaded lazily: reading it
     * costs nothing when the session names no user (AnonymousUser). When it
     * does, load it first with `await request.auser()`; loginRequired(),
     * permissionRequired() and the `auth` context processor do.
     */
    user: AuthUser | AnonymousUser;
    /** Load (once) and return the current user: one query when the session names a user. */
    auser(): Promise<AuthUser | AnonymousUser>;
  }
}

/** The user loading an authenticated session needs (auth.getUser), set by the authentication middleware. */
export type UserLoader = (request: HttpRequest) => Promise<AuthUser | AnonymousUser>;

const STATE = Symbol('manouche.auth.user');
const LOADING = Symbol('manouche.auth.userLoading');

interface Carrier {
  [STATE]?: AuthUser | AnonymousUser | UserLoader;
  [LOADING]?: Promise<AuthUser | AnonymousUser>;
}

/** Thrown when `request.user` is read before an authenticated session's user was loaded. */
export class UserNotLoaded extends ImproperlyConfigured {
  constructor() {
    super(
      'request.user is not loaded yet: this session names a user, who is read from the database on demand. ' +
        'Use `await request.auser()` first (loginRequired(), permissionRequired() and userPassesTest() do it for you), ' +
        'or put eagerAuthenticationMiddleware in MIDDLEWARE to load the user of every authenticated request.',
    );
    this.name = 'UserNotLoaded';
  }
}

const NOT_INSTALLED = 'request.user needs the authentication middleware: put sessionMiddleware and then authenticationMiddleware in MIDDLEWARE.';

/** Let `request.user` be loaded by `loader` (what the authentication middleware does for each request). */
export function attachUserLoader(request: HttpRequest, loader: UserLoader): void {
  (request as Carrier)[STATE] = loader;
}

/** Whether the authentication middleware gave this request a user. */
export function hasUser(request: HttpRequest): boolean {
  return (request as Carrier)[STATE] !== undefined;
}

/** The user if already known, without loading anything; undefined otherwise. */
export function loadedUser(request: HttpRequest): AuthUser | AnonymousUser | undefined {
  const state = (request as Carrier)[STATE];
  if (typeof state === 'function') return sessionNamesUser(request) ? undefined : anonymousUser;
  return state;
}

/** Whether the session holds a logged-in user id (reading it marks the session accessed, as Django's lazy user does). */
function sessionNamesUser(request: HttpRequest): boolean {
  const session = (request as { session?: HttpRequest['session'] }).session;
  return session !== undefined && session.has('_auth_user_id');
}

Object.defineProperty(HttpRequest.prototype, 'user', {
  configurable: true,
  get(this: HttpRequest & Carrier) {
    const state = this[STATE];
    if (state === undefined) throw new ImproperlyConfigured(NOT_INSTALLED);
    if (typeof state !== 'function') return state;
    if (sessionNamesUser(this)) throw new UserNotLoaded();
    return (this[STATE] = anonymousUser);
  },
  set(this: HttpRequest & Carrier, value: AuthUser | AnonymousUser) {
    this[STATE] = value;
    this[LOADING] = undefined;
  },
});

Object.defineProperty(HttpRequest.prototype, 'auser', {
  configurable: true,
  writable: true,
  value(this: HttpRequest & Carrier): Promise<AuthUser | AnonymousUser> {
    const state = this[STATE];
    if (state === undefined) return Promise.reject(new ImproperlyConfigured(NOT_INSTALLED));
    if (typeof state !== 'function') return Promise.resolve(state);
    if (!sessionNamesUser(this)) return Promise.resolve((this[STATE] = anonymousUser));
    return (this[LOADING] ??= state(this).then((user) => {
      // a login or logout while loading decides
      if (typeof this[STATE] === 'function') this[STATE] = user;
      return this[STATE] as AuthUser | AnonymousUser;
    }));
  },
});
