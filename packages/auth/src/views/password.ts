import { type HttpRequest, type HttpResponse, HttpResponseRedirect, ValidationError, type ViewFunction } from '@manouche/core';
import { login, updateSessionAuthHash } from '../auth';
import { loginRequired, resolveUrl } from '../decorators';
import { getUserModel } from '../get-user-model';
import { sendMessages } from '../mail/backends';
import { passwordValidatorsHelpTexts, validatePassword } from '../password-validation';
import { authSettings } from '../settings';
import { defaultTokenGenerator, type PasswordResetTokenGenerator, uidFromBase64, uidToBase64 } from '../tokens';
import type { AuthUser } from '../user-methods';
import { AuthForm, passwordField } from './forms';
import { renderPage } from './render';

const MISMATCH = 'The two password fields didn’t match.';
const OLD_PASSWORD_INCORRECT = 'Your old password was entered incorrectly. Please enter it again.';

/** Where the confirm view keeps a checked reset token, so the form's URL does not carry it (Django's INTERNAL_RESET_SESSION_TOKEN). */
export const INTERNAL_RESET_SESSION_TOKEN = '_password_reset_token';
const RESET_URL_TOKEN = 'set-password';

function newPasswordFields(): ReturnType<typeof passwordField>[] {
  return [passwordField('newPassword1', 'New password', 'new-password', passwordValidatorsHelpTexts()), passwordField('newPassword2', 'New password confirmation', 'new-password')];
}

/** Django's SetPasswordForm checks: both fields equal, then the password validators (with the user, for similarity). */
function checkNewPassword(form: AuthForm, user: AuthUser): boolean {
  const first = form.cleaned('newPassword1');
  if (first !== form.cleaned('newPassword2')) {
    form.addError('newPassword2', MISMATCH);
    return false;
  }
  try {
    validatePassword(first, user);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const message of error.messages) form.addError('newPassword2', message);
    return false;
  }
  return true;
}

interface PageOptions {
  templateName?: string;
  /** Where to go once done (a URL or a URL name). */
  successUrl?: string;
  extraContext?: Record<string, unknown>;
}

/** A page that only renders a template (the "done" pages). */
function templatePage(defaultTemplate: string, options: PageOptions, needsLogin: boolean): ViewFunction {
  const view = (request: HttpRequest) => renderPage(request, options.templateName ?? defaultTemplate, { ...options.extraContext });
  return needsLogin ? loginRequired(view) : view;
}

/**
 * Django's PasswordChangeView (login required): the old password, then the
 * new one twice, checked by AUTH_PASSWORD_VALIDATORS. The user's other
 * sessions are logged out (the session auth hash changes); this one stays
 * logged in under a new key.
 */
export function passwordChangeView(options: PageOptions = {}): ViewFunction {
  const templateName = options.templateName ?? 'registration/password_change_form.eta';
  const fields = () => [passwordField('oldPassword', 'Old password', 'current-password'), ...newPasswordFields()];
  return loginRequired(async (request: HttpRequest): Promise<HttpResponse> => {
    const user = request.user as AuthUser;
    if (request.method !== 'POST') return renderPage(request, templateName, { form: new AuthForm(fields()), ...options.extraContext });
    const form = new AuthForm(fields(), await request.form());
    if (form.requireAll()) {
      if (!(await user.checkPassword(form.cleaned('oldPassword')))) form.addError('oldPassword', OLD_PASSWORD_INCORRECT);
      else if (checkNewPassword(form, user)) {
        await user.setPassword(form.cleaned('newPassword1'));
        await user.save();
        await updateSessionAuthHash(request, user);
        return new HttpResponseRedirect(resolveUrl(request, options.successUrl ?? 'password_change_done'));
      }
    }
    return renderPage(request, templateName, { form, ...options.extraContext });
  });
}

export function passwordChangeDoneView(options: PageOptions = {}): ViewFunction {
  return templatePage('registration/password_change_done.eta', options, true);
}

/** What the reset email needs: the link and whom it is for. */
export interface ResetEmailContext {
  user: AuthUser;
  email: string;
  /** The absolute link to the confirm page, on the validated host. */
  url: string;
  /** The validated host name the request came to. */
  domain: string;
  protocol: 'http' | 'https';
  uid: string;
  token: string;
}

export interface PasswordResetViewOptions extends PageOptions {
  /** The URL name of the confirm view (default `password_reset_confirm`). */
  confirmUrlName?: string;
  tokenGenerator?: PasswordResetTokenGenerator;
  fromEmail?: string;
  /** Build the email (default: a short English text with the link). */
  makeEmail?: (context: ResetEmailContext) => { subject: string; body: string; html?: string };
}

function defaultResetEmail(context: ResetEmailContext): { subject: string; body: string } {
  return {
    subject: `Password reset on ${context.domain}`,
    body: [
      `You're receiving this email because you requested a password reset for your user account at ${context.domain}.`,
      '',
      'Please go to the following page and choose a new password:',
      context.url,
      '',
      `In case you've forgotten, your username is ${context.user.getUsername()}.`,
      '',
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ].join('\n'),
  };
}

/**
 * Django's PasswordResetView: asks for an email address and sends each
 * active user with that address (and a usable password) a link carrying an
 * HMAC token. The page answers the same, at once, whether an account
 * matched or not: the email is sent after the response (errors are logged),
 * so neither the message nor the time tells who has an account. The link is
 * built from the request's host as validated against ALLOWED_HOSTS.
 */
export function passwordResetView(options: PasswordResetViewOptions = {}): ViewFunction {
  const templateName = options.templateName ?? 'registration/password_reset_form.eta';
  const fields = () => [{ name: 'email', label: 'Email', type: 'email' as const, autocomplete: 'email' }];
  return async (request: HttpRequest): Promise<HttpResponse> => {
    if (request.method !== 'POST') return renderPage(request, templateName, { form: new AuthForm(fields()), ...options.extraContext });
    const form = new AuthForm(fields(), await request.form());
    const email = form.cleaned('email').trim();
    if (!form.requireAll() || email.length > 254 || !email.includes('@')) {
      if (form.isValid) form.addError('email', 'Enter a valid email address.');
      return renderPage(request, templateName, { form, ...options.extraContext });
    }
    const domain = request.getHost();
    const protocol = request.scheme;
    const users = await usersForReset(email);
    const generator = options.tokenGenerator ?? defaultTokenGenerator;
    const makeEmail = options.makeEmail ?? defaultResetEmail;
    const messages = users.map((user) => {
      const uid = uidToBase64(user.pk);
      const token = generator.makeToken(user);
      const url = `${protocol}://${domain}${request.app.reverse(options.confirmUrlName ?? 'password_reset_confirm', { uidb64: uid, token })}`;
      const emailField = getUserModel().EMAIL_FIELD;
      const to = String((user as unknown as Record<string, unknown>)[emailField]);
      return { ...makeEmail({ user, email: to, url, domain, protocol, uid, token }), to: [to], from: options.fromEmail };
    });
    if (messages.length) {
      sendMessages(messages).catch((error: unknown) => request.app.logger.error('Sending a password reset email failed', { error: error as Error }));
    }
    return new HttpResponseRedirect(resolveUrl(request, options.successUrl ?? 'password_reset_done'));
  };
}

/** Django's PasswordResetForm.get_users: active users with this email (any case) and a usable password. */
async function usersForReset(email: string): Promise<AuthUser[]> {
  const UserModel = getUserModel();
  const candidates = (await UserModel.objects.filter({ [`${UserModel.EMAIL_FIELD}__iexact`]: email, isActive: true } as never)) as unknown as AuthUser[];
  const wanted = email.normalize('NFKC').toLowerCase();
  // iexact compares by the database's rules; confirm with Unicode's, so a look-alike address never receives another user's link
  return candidates.filter((user) => user.hasUsablePassword() && String((user as unknown as Record<string, unknown>)[UserModel.EMAIL_FIELD]).normalize('NFKC').toLowerCase() === wanted);
}

export function passwordResetDoneView(options: PageOptions = {}): ViewFunction {
  return templatePage('registration/password_reset_done.eta', options, false);
}

export interface PasswordResetConfirmOptions extends PageOptions {
  tokenGenerator?: PasswordResetTokenGenerator;
  /** Log the user in after the reset (default false). */
  postResetLogin?: boolean;
  /** The backend to log in with when several are configured. */
  postResetLoginBackend?: string;
}

/**
 * Django's PasswordResetConfirmView, at `reset/<uidb64>/<token>/`: a valid
 * token is moved into the session and the browser redirected to
 * `reset/<uidb64>/set-password/` (so the token never leaks in a Referer);
 * there the new password is chosen. Tokens stop working after
 * PASSWORD_RESET_TIMEOUT, after the password changed (this reset included)
 * and after the user logged in.
 */
export function passwordResetConfirmView(options: PasswordResetConfirmOptions = {}): ViewFunction<{ uidb64: string; token: string }> {
  const templateName = options.templateName ?? 'registration/password_reset_confirm.eta';
  const generator = options.tokenGenerator ?? defaultTokenGenerator;
  return async (request: HttpRequest, params: { uidb64: string; token: string }): Promise<HttpResponse> => {
    const user = await userFromUid(params.uidb64);
    const invalid = () => renderPage(request, templateName, { validlink: false, form: null, ...options.extraContext });
    if (!user) return invalid();
    if (params.token !== RESET_URL_TOKEN) {
      if (!generator.checkToken(user, params.token)) return invalid();
      request.session.set(INTERNAL_RESET_SESSION_TOKEN, params.token);
      return new HttpResponseRedirect(request.path.replace(params.token, RESET_URL_TOKEN));
    }
    if (!generator.checkToken(user, request.session.get(INTERNAL_RESET_SESSION_TOKEN))) return invalid();
    if (request.method !== 'POST') return renderPage(request, templateName, { validlink: true, form: new AuthForm(newPasswordFields()), ...options.extraContext });
    const form = new AuthForm(newPasswordFields(), await request.form());
    if (!form.requireAll() || !checkNewPassword(form, user)) return renderPage(request, templateName, { validlink: true, form, ...options.extraContext });
    await user.setPassword(form.cleaned('newPassword1'));
    await user.save();
    request.session.delete(INTERNAL_RESET_SESSION_TOKEN);
    if (options.postResetLogin) await login(request, user, options.postResetLoginBackend);
    return new HttpResponseRedirect(resolveUrl(request, options.successUrl ?? 'password_reset_complete'));
  };
}

async function userFromUid(uidb64: string): Promise<AuthUser | null> {
  const uid = uidFromBase64(uidb64);
  if (uid === null) return null;
  const UserModel = getUserModel();
  let pk: unknown;
  try {
    pk = UserModel._meta.pk.toJs(uid);
  } catch {
    return null;
  }
  return ((await UserModel.objects.filter({ pk } as never).first()) as unknown as AuthUser | null) ?? null;
}

/** Django's PasswordResetCompleteView, with `loginUrl` (LOGIN_URL) in the context. */
export function passwordResetCompleteView(options: PageOptions = {}): ViewFunction {
  return (request: HttpRequest) =>
    renderPage(request, options.templateName ?? 'registration/password_reset_complete.eta', { loginUrl: resolveUrl(request, authSettings(request.settings).LOGIN_URL), ...options.extraContext });
}
