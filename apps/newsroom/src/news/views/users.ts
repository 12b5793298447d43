import { type UserInstance } from '@manouche/auth';
import { type HttpRequest } from '@manouche/core';

/** The logged-in user, as a User row (behind loginRequired, which guarantees one). */
export async function currentUser(request: HttpRequest): Promise<UserInstance> {
  const user = await request.auser();
  if (!user.isAuthenticated) throw new TypeError('currentUser() needs a logged-in user: wrap the view in loginRequired().');
  return user as unknown as UserInstance;
}
