import { type HttpRequest, type HttpResponse, HttpResponseRedirect, MethodNotAllowed, type ViewFunction } from '@manouche/core';
import { authenticate, login, logout, REDIRECT_FIELD_NAME } from '../auth';
import { resolveUrl } from '../decorators';
import { getUserModel } from '../get-user-model';
import { authSettings } from '../settings';
import { loginThrottle } from '../throttle';
import { urlHasAllowedHostAndScheme } from '../url-safety';
import { AuthForm, passwordField, usernameField } from './forms';
import { renderPage } from './render';

/** What a login refused by the backends says (Django's invalid_login): the same for an unknown user and a wrong password. */
export const INVALID_LOGIN = 'Please enter a correct %(username)s and password. Note that both fields may be case-sensitive.';
export const INACTIVE = 'This account is inactive.';
/** What a throttled attempt says: the same whether the username exists or not. */
export const LOCKED_OUT = 'Too many login attempts. Please wait %(minutes)s before trying again.';

/**
 * Django's `get_redirect_url`: `next` from the form or the query, when it
 * stays on this site (`urlHasAllowedHostAndScheme` against the validated
 * host and `allowedHosts`; HTTPS only when the request came over HTTPS).
 */
export function safeNextUrl(request: HttpRequest, candidate: string | undefined, allowedHosts: readonly string[] = []): string {
  if (!candidate) return '';
  const hosts = [request.getHost(), ...allowedHosts];
  return urlHasAllowedHostAndScheme(candidate, hosts, request.isSecure()) ? candidate : '';
}

function nextFrom(request: HttpRequest, form?: { get(name: string): string | undefined }): string | undefined {
  return form?.get(REDIRECT_FIELD_NAME) ?? request.query.get(REDIRECT_FIELD_NAME) ?? undefined;
}

export interface LoginViewOptions {
  templateName?: string;
  /** Send users already logged in to the success URL instead of showing the form. */
  redirectAuthenticatedUser?: boolean;
  /** Other hosts `next` may point to. */
  successUrlAllowedHosts?: readonly string[];
  /** Where to go without a valid `next` (default LOGIN_REDIRECT_URL). */
  nextPage?: string;
  extraContext?: Record<string, unknown>;
}

function minutes(seconds: number): string {
  const m = Math.max(1, Math.ceil(seconds / 60));
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/**
 * Django's LoginView: GET shows the form (`registration/login.eta`), POST
 * authenticates and logs in (new session key, new CSRF token), then
 * redirects to a safe `next` or LOGIN_REDIRECT_URL. Attempts are throttled
 * per username and per IP (AUTH_LOGIN_THROTTLE) before any password is checked.
 */
export function loginView(options: LoginViewOptions = {}): ViewFunction {
  const templateName = options.templateName ?? 'registration/login.eta';
  const successUrl = (request: HttpRequest, next: string): string => next || resolveUrl(request, options.nextPage ?? authSettings(request.settings).LOGIN_REDIRECT_URL);
  const page = (request: HttpRequest, form: AuthForm, next: string, init?: { status?: number; headers?: Record<string, string> }): HttpResponse | Promise<HttpResponse> =>
    renderPage(request, templateName, { form, next, ...options.extraContext }, init);

  const view = async (request: HttpRequest): Promise<HttpResponse> => {
    const UserModel = getUserModel();
    const usernameLabel = capitalize(UserModel._meta.fieldMap.get(UserModel.USERNAME_FIELD)?.verboseName ?? 'username');
    const fields = [usernameField(usernameLabel), passwordField('password', 'Password', 'current-password')];
    if (request.method !== 'POST') {
      const next = safeNextUrl(request, nextFrom(request), options.successUrlAllowedHosts);
      if (options.redirectAuthenticatedUser && (await request.auser()).isAuthenticated) {
        const target = successUrl(request, next);
        if (target !== request.path) return new HttpResponseRedirect(target);
      }
      return page(request, new AuthForm(fields), next);
    }
    const data = await request.form();
    const next = safeNextUrl(request, nextFrom(request, data), options.successUrlAllowedHosts);
    const form = new AuthForm(fields, data);
    if (!form.requireAll()) return page(request, form, next);
    const username = form.cleaned('username');
    const throttle = loginThrottle(request.settings);
    if (throttle) {
      const verdict = await throttle.hit(request, username);
      if (!verdict.allowed) {
        form.addError(null, LOCKED_OUT.replace('%(minutes)s', minutes(verdict.retryAfter)));
        return page(request, form, next, { status: 429, headers: { 'retry-after': String(verdict.retryAfter) } });
      }
    }
    const user = await authenticate(request, { username, password: form.cleaned('password') });
    if (!user) {
      form.addError(null, INVALID_LOGIN.replace('%(username)s', usernameLabel.toLowerCase()));
      return page(request, form, next);
    }
    if (user.isActive === false) {
      form.addError(null, INACTIVE);
      return page(request, form, next);
    }
    await login(request, user);
    await throttle?.succeeded(username);
    return new HttpResponseRedirect(successUrl(request, next));
  };
  return Object.assign(view, { allowedMethods: ['GET', 'HEAD', 'POST'] as readonly string[] });
}

export interface LogoutViewOptions {
  templateName?: string;
  /** Where to go after logging out (default LOGOUT_REDIRECT_URL; none: render the template). */
  nextPage?: string;
  successUrlAllowedHosts?: readonly string[];
  extraContext?: Record<string, unknown>;
}

/**
 * Django's LogoutView: POST only (a link or an image cannot log anyone
 * out), flushes the session, then redirects to a safe `next`, `nextPage`
 * or LOGOUT_REDIRECT_URL, or renders `registration/logged_out.eta`.
 */
export function logoutView(options: LogoutViewOptions = {}): ViewFunction {
  const templateName = options.templateName ?? 'registration/logged_out.eta';
  const view = async (request: HttpRequest): Promise<HttpResponse> => {
    if (request.method !== 'POST') throw new MethodNotAllowed(request.method, ['POST', 'OPTIONS']);
    await logout(request);
    const data = await request.form();
    const next = safeNextUrl(request, nextFrom(request, data), options.successUrlAllowedHosts);
    const target = next || options.nextPage || authSettings(request.settings).LOGOUT_REDIRECT_URL;
    if (target) return new HttpResponseRedirect(next || resolveUrl(request, target));
    return renderPage(request, templateName, { ...options.extraContext });
  };
  return Object.assign(view, { allowedMethods: ['POST', 'OPTIONS'] as readonly string[] });
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
