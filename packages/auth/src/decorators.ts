import { type HttpRequest, type HttpResponse, HttpResponseRedirect, PermissionDenied, type View, type ViewFunction } from '@manouche/core';
import type { AnonymousUser } from './anonymous-user';
import { REDIRECT_FIELD_NAME } from './auth';
import { authSettings } from './settings';
import type { AuthUser } from './user-methods';

/** LOGIN_URL (or another URL) as a URL: a view name (`login`, `accounts:login`) is reversed. */
export function resolveUrl(request: HttpRequest, target: string): string {
  if (target.includes('/') || target.includes('.') || target.includes('?')) return target;
  try {
    return request.app.reverse(target);
  } catch {
    return target;
  }
}

/**
 * Django's `redirect_to_login`: a redirect to the login page with
 * `?next=<where the user was going>`.
 */
export function redirectToLogin(next: string, loginUrl: string, redirectFieldName: string | null = REDIRECT_FIELD_NAME): HttpResponseRedirect {
  if (!redirectFieldName) return new HttpResponseRedirect(loginUrl);
  const hash = loginUrl.indexOf('#');
  const base = hash === -1 ? loginUrl : loginUrl.slice(0, hash);
  const fragment = hash === -1 ? '' : loginUrl.slice(hash);
  const q = base.indexOf('?');
  const query = new URLSearchParams(q === -1 ? '' : base.slice(q + 1));
  query.set(redirectFieldName, next);
  // keep slashes readable, as Django's urlencode(safe='/') does
  return new HttpResponseRedirect(`${q === -1 ? base : base.slice(0, q)}?${query.toString().replace(/%2F/gi, '/')}${fragment}`);
}

export interface UserTestOptions {
  /** Where to send users who fail (default LOGIN_URL). */
  loginUrl?: string;
  /** The query parameter carrying the current URL (default `next`; null: none). */
  redirectFieldName?: string | null;
}

type UserTest = (user: AuthUser | AnonymousUser) => boolean | Promise<boolean>;

function loginRedirectFor(request: HttpRequest, options: UserTestOptions): HttpResponse {
  const loginUrl = resolveUrl(request, options.loginUrl ?? authSettings(request.settings).LOGIN_URL);
  let next = request.getFullPath();
  // a login page on another host or scheme needs the full URL to come back
  const target = /^([a-z][a-z0-9+.-]*:)?\/\/([^/?#]*)/i.exec(loginUrl);
  if (target) {
    const scheme = target[1] ? target[1].slice(0, -1).toLowerCase() : undefined;
    if ((scheme && scheme !== request.scheme) || target[2]!.toLowerCase() !== request.getHost()) next = request.buildAbsoluteUri();
  }
  return redirectToLogin(next, loginUrl, options.redirectFieldName === undefined ? REDIRECT_FIELD_NAME : options.redirectFieldName);
}

function wrap<V extends ViewFunction>(view: V, check: (request: HttpRequest) => Promise<HttpResponse | null>): V {
  const wrapped = (async (request: HttpRequest, params: unknown) => (await check(request)) ?? view(request, params)) as unknown as V;
  return Object.assign(wrapped, view);
}

/**
 * Django's `user_passes_test`: run the view only when `test(user)` holds,
 * else redirect to the login page with `next`. The user is loaded first, so
 * the view can read `request.user` synchronously.
 */
export function userPassesTest(test: UserTest, options: UserTestOptions = {}) {
  return <V extends ViewFunction>(view: V): V =>
    wrap(view, async (request) => ((await test(await request.auser())) ? null : loginRedirectFor(request, options)));
}

/** Django's `login_required`: anonymous users go to LOGIN_URL?next=… */
export function loginRequired<V extends ViewFunction>(view: V, options: UserTestOptions = {}): V {
  return userPassesTest((user) => user.isAuthenticated, options)(view);
}

/**
 * Django's `permission_required`: the user needs every listed permission;
 * otherwise a redirect to the login page, or a 403 with `raiseException`.
 */
export function permissionRequired(perm: string | readonly string[], options: UserTestOptions & { raiseException?: boolean } = {}) {
  const perms = typeof perm === 'string' ? [perm] : [...perm];
  return userPassesTest(async (user) => {
    if (await user.hasPerms(perms)) return true;
    if (options.raiseException) throw new PermissionDenied();
    return false;
  }, options);
}

type ViewClass = abstract new (...args: any[]) => View;

/** What the access mixins add to a class-based view. */
export interface UserPassesTestMembers {
  /** Where anonymous users go (default LOGIN_URL). */
  loginUrl: string | undefined;
  redirectFieldName: string | null;
  /** Answer 403 instead of redirecting anonymous users to the login page. */
  raiseException: boolean;
  /** Whether `user` may see the view (UserPassesTest: override it). */
  testFunc(user: AuthUser | AnonymousUser): boolean | Promise<boolean>;
  handleNoPermission(request: HttpRequest): HttpResponse;
}

export interface PermissionRequiredMembers extends UserPassesTestMembers {
  permissionRequired: string | readonly string[];
}

type Mixed<B extends ViewClass, T> = B & (abstract new (...args: any[]) => InstanceType<B> & T);

/**
 * Django's UserPassesTestMixin for class-based views: `class Drafts extends
 * userPassesTestMixin(View) { testFunc(user) { return user.isStaff } … }`.
 * Authenticated users who fail get a 403, anonymous ones the login page
 * (with `next`), as in Django.
 */
export function userPassesTestMixin<B extends ViewClass>(Base: B): Mixed<B, UserPassesTestMembers> {
  abstract class UserPassesTest extends Base implements UserPassesTestMembers {
    loginUrl: string | undefined = undefined;
    redirectFieldName: string | null = REDIRECT_FIELD_NAME;
    raiseException = false;

    testFunc(_user: AuthUser | AnonymousUser): boolean | Promise<boolean> {
      throw new TypeError(`${this.constructor.name} is missing the implementation of the testFunc() method.`);
    }

    handleNoPermission(request: HttpRequest): HttpResponse {
      if (this.raiseException || request.user.isAuthenticated) throw new PermissionDenied();
      return loginRedirectFor(request, { loginUrl: this.loginUrl, redirectFieldName: this.redirectFieldName });
    }

    override async dispatch(request: HttpRequest, params: Record<string, unknown>): Promise<HttpResponse> {
      const user = await request.auser();
      if (!(await this.testFunc(user))) return this.handleNoPermission(request);
      return super.dispatch(request, params);
    }
  }
  return UserPassesTest as unknown as Mixed<B, UserPassesTestMembers>;
}

/** Django's LoginRequiredMixin: `class Profile extends loginRequiredMixin(TemplateView) { … }`. */
export function loginRequiredMixin<B extends ViewClass>(Base: B): Mixed<B, UserPassesTestMembers> {
  abstract class LoginRequired extends (userPassesTestMixin(Base) as ViewClass) {
    testFunc(user: AuthUser | AnonymousUser): boolean {
      return user.isAuthenticated;
    }
  }
  return LoginRequired as unknown as Mixed<B, UserPassesTestMembers>;
}

/** Django's PermissionRequiredMixin: set `permissionRequired = ['news.change_article']`. */
export function permissionRequiredMixin<B extends ViewClass>(Base: B): Mixed<B, PermissionRequiredMembers> {
  abstract class PermissionRequired extends (userPassesTestMixin(Base) as ViewClass) {
    permissionRequired: string | readonly string[] = [];

    testFunc(user: AuthUser | AnonymousUser): Promise<boolean> {
      const perms = typeof this.permissionRequired === 'string' ? [this.permissionRequired] : this.permissionRequired;
      if (perms.length === 0) throw new TypeError(`${this.constructor.name} is missing the permissionRequired attribute.`);
      return user.hasPerms(perms);
    }
  }
  return PermissionRequired as unknown as Mixed<B, PermissionRequiredMembers>;
}
