import { constantTimeCompare, type HttpRequest, ImproperlyConfigured, PermissionDenied, Signal } from '@manouche/core';
import { rotateToken } from '@manouche/security';
import { type AnonymousUser, anonymousUser } from './anonymous-user';
import { getBackends, loadBackend } from './backends/index';
import type { Credentials } from './backends/types';
import { getUserModel } from './get-user-model';
import { loadedUser } from './request-user';
import type { AuthUser } from './user-methods';

/** Session keys (Django's names). */
export const SESSION_KEY = '_auth_user_id';
export const BACKEND_SESSION_KEY = '_auth_user_backend';
export const HASH_SESSION_KEY = '_auth_user_hash';
/** Where `next` is read from, in the query and in the login form. */
export const REDIRECT_FIELD_NAME = 'next';

export const userLoggedIn = new Signal<{ sender: unknown; request: HttpRequest; user: AuthUser }>('userLoggedIn');
export const userLoggedOut = new Signal<{ sender: unknown; request: HttpRequest; user: AuthUser | null }>('userLoggedOut');
/** Sent when every backend refused the credentials (the password is masked). */
export const userLoginFailed = new Signal<{ sender: unknown; credentials: Credentials; request: HttpRequest | null }>('userLoginFailed');

const SENSITIVE = /api|token|key|secret|password|signature/i;

/** Django's `_clean_credentials`: never let a password reach a log or a signal receiver. */
function cleanCredentials(credentials: Credentials): Credentials {
  const out: Credentials = {};
  for (const [key, value] of Object.entries(credentials)) out[key] = SENSITIVE.test(key) ? '********************' : value;
  return out;
}

/**
 * Django's `update_last_login`, connected to userLoggedIn on the first
 * login: the new last-login time also invalidates password reset links sent
 * before. Disconnect it with `userLoggedIn.disconnect(undefined, { dispatchUid: 'updateLastLogin' })`.
 */
export async function updateLastLogin({ user }: { user: AuthUser }): Promise<void> {
  if (!('lastLogin' in user)) return;
  user.lastLogin = new Date();
  await user.save({ updateFields: ['lastLogin'] });
}

let receiversConnected = false;

function connectDefaultReceivers(): void {
  if (receiversConnected) return;
  receiversConnected = true;
  userLoggedIn.connect(updateLastLogin, { dispatchUid: 'updateLastLogin' });
}

/**
 * Django's `authenticate()`: ask each backend in AUTHENTICATION_BACKENDS to
 * recognise the credentials (`{ username, password }` for the model
 * backend); the first user returned wins and remembers its backend. Null
 * when none does (userLoginFailed is sent, with the password masked).
 */
export async function authenticate(request: HttpRequest | null, credentials: Credentials): Promise<AuthUser | null> {
  for (const { backend, name } of getBackends()) {
    if (!backend.authenticate) continue;
    let user: AuthUser | null | undefined;
    try {
      user = await backend.authenticate(request, credentials);
    } catch (error) {
      // a backend saying "stop": no other backend may accept these credentials
      if (error instanceof PermissionDenied) break;
      throw error;
    }
    if (!user) continue;
    user.backend = name;
    return user;
  }
  await userLoginFailed.send('authenticate', { sender: 'authenticate', credentials: cleanCredentials(credentials), request });
  return null;
}

function sessionOf(request: HttpRequest): HttpRequest['session'] {
  const session = (request as { session?: HttpRequest['session'] }).session;
  if (!session) throw new ImproperlyConfigured('Logging in and out needs a session: put sessionMiddleware in MIDDLEWARE.');
  return session;
}

/** The user id stored in the session, as the user model's primary key expects it. */
function sessionUserId(request: HttpRequest): unknown {
  const raw = sessionOf(request).get(SESSION_KEY);
  if (raw === undefined) return undefined;
  return getUserModel()._meta.pk.toJs(raw);
}

/**
 * Django's `login()`: remember `user` in the session. The session key
 * changes (an attacker who planted a session id gets nothing: session
 * fixation), so does the CSRF token, and a session of another user is
 * flushed first. `backend` defaults to the one that authenticated the user.
 */
export async function login(request: HttpRequest, user: AuthUser, backend?: string): Promise<void> {
  connectDefaultReceivers();
  const session = sessionOf(request);
  const sessionAuthHash = user.getSessionAuthHash();
  if (session.has(SESSION_KEY)) {
    const sameUser = String(session.get(SESSION_KEY)) === String(user.pk);
    const sameHash = constantTimeCompare(String(session.get(HASH_SESSION_KEY) ?? ''), sessionAuthHash);
    // never reuse another user's session
    if (!sameUser || !sameHash) await session.flush();
  } else {
    await session.cycleKey();
  }
  const backendName = backend ?? user.backend ?? onlyBackend();
  session.set(SESSION_KEY, String(user.pk));
  session.set(BACKEND_SESSION_KEY, backendName);
  session.set(HASH_SESSION_KEY, sessionAuthHash);
  request.user = user;
  rotateToken(request);
  await userLoggedIn.send(user.constructor, { sender: user.constructor, request, user });
}

function onlyBackend(): string {
  const backends = getBackends();
  if (backends.length === 1) return backends[0]!.name;
  throw new ImproperlyConfigured('You have multiple authentication backends configured and therefore must provide the `backend` argument to login(), or log in a user returned by authenticate().');
}

/**
 * Django's `logout()`: flush the session (the data and the session itself;
 * the browser's cookie is deleted by the session middleware) and make the
 * request anonymous.
 */
export async function logout(request: HttpRequest): Promise<void> {
  const current = loadedUser(request);
  const user = current && current.isAuthenticated ? (current as AuthUser) : null;
  await userLoggedOut.send(user?.constructor ?? 'logout', { sender: user?.constructor ?? 'logout', request, user });
  await sessionOf(request).flush();
  request.user = anonymousUser;
}

/**
 * Django's `get_user()`: the user the session names, checked against the
 * session auth hash (a password change elsewhere logs this session out),
 * or AnonymousUser. One query (the backend's getUser) when the session names a user.
 */
export async function getUser(request: HttpRequest): Promise<AuthUser | AnonymousUser> {
  const session = sessionOf(request);
  let userId: unknown;
  try {
    userId = sessionUserId(request);
  } catch {
    userId = undefined;
  }
  const backendName = session.get(BACKEND_SESSION_KEY);
  if (userId === undefined || userId === null || typeof backendName !== 'string') return anonymousUser;
  const backend = loadBackend(backendName);
  if (!backend?.getUser) return anonymousUser;
  const user = await backend.getUser(userId);
  if (!user) return anonymousUser;
  const sessionHash = session.get(HASH_SESSION_KEY);
  const currentHash = user.getSessionAuthHash();
  if (typeof sessionHash === 'string' && sessionHash && constantTimeCompare(sessionHash, currentHash)) return user;
  // signed with a SECRET_KEY_FALLBACKS key: still valid, moved to the current key
  if (typeof sessionHash === 'string' && sessionHash && user.getSessionAuthFallbackHash().some((hash) => constantTimeCompare(sessionHash, hash))) {
    await session.cycleKey();
    session.set(HASH_SESSION_KEY, currentHash);
    return user;
  }
  await session.flush();
  return anonymousUser;
}

/**
 * Django's `update_session_auth_hash()`: after the logged-in user changed
 * their password, keep this session logged in (other sessions of the user
 * are logged out by the new hash) under a new session key.
 */
export async function updateSessionAuthHash(request: HttpRequest, user: AuthUser): Promise<void> {
  const session = sessionOf(request);
  await session.cycleKey();
  if (String(session.get(SESSION_KEY)) === String(user.pk)) session.set(HASH_SESSION_KEY, user.getSessionAuthHash());
}
