import { messages, userLoggedIn, userLoggedOut } from '@manouche/auth';
import { type HttpResponse, type ViewFunction, thenResponse } from '@manouche/core';

/** A flash message after logging in and out, whichever view did it (Django's user_logged_in receivers). */
export function connectFlashMessages(): void {
  userLoggedIn.connect(({ request, user }) => messages.success(request, `You are logged in as ${user.getUsername()}.`, { failSilently: true }), { dispatchUid: 'newsroom.flash.login' });
  userLoggedOut.connect(({ request }) => messages.info(request, 'You have been logged out.', { failSilently: true }), { dispatchUid: 'newsroom.flash.logout' });
}

/**
 * Add a success message when `view` handles a form successfully, i.e. answers
 * a POST with a redirect: for the ready-made password views of @manouche/auth.
 */
export function withSuccessMessage<V extends ViewFunction>(view: V, message: string): V {
  const wrapped = ((request, params) =>
    thenResponse(view(request, params), (response: HttpResponse) => {
      if (request.method === 'POST' && response.status >= 300 && response.status < 400) messages.success(request, message, { failSilently: true });
      return response;
    })) as V;
  return Object.assign(wrapped, view);
}
