import { messages } from '@manouche/auth';
import { type HttpRequest, type HttpResponse, type ViewFunction, thenResponse } from '@manouche/core';

/**
 * Add a success message when `view` handles a form successfully, i.e. answers
 * a POST with a redirect: for the ready-made views of @manouche/auth (login,
 * logout, password change and reset), which add none themselves.
 */
export function withSuccessMessage<V extends ViewFunction>(view: V, message: string | ((request: HttpRequest) => string)): V {
  const wrapped = ((request, params) =>
    thenResponse(view(request, params), (response: HttpResponse) => {
      if (request.method === 'POST' && response.status >= 300 && response.status < 400) {
        messages.success(request, typeof message === 'string' ? message : message(request), { failSilently: true });
      }
      return response;
    })) as V;
  return Object.assign(wrapped, view);
}
