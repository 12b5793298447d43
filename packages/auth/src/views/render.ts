import { type HttpRequest, type HttpResponse, ImproperlyConfigured, type ResponseInit } from '@manouche/core';
import { getToken } from '@manouche/security';

/**
 * Render one of the ready-made views' templates through the installed
 * template engine (`@manouche/templates`' templatesApp()), with the CSRF
 * token (`csrfInput()` renders it) and `next` in the context.
 */
export function renderPage(request: HttpRequest, templateName: string, context: Record<string, unknown>, init?: ResponseInit): HttpResponse | Promise<HttpResponse> {
  const renderer = request.app.templateRenderer;
  if (!renderer) {
    throw new ImproperlyConfigured(`The auth views render templates (${templateName}): install @manouche/templates and put templatesApp() in INSTALLED_APPS, or write your own views on authenticate() and login().`);
  }
  let token: string | undefined;
  const full = Object.defineProperty({ ...context }, 'csrfToken', {
    enumerable: true,
    get: () => (token ??= getToken(request)),
  });
  return renderer.renderToResponse(request, templateName, full, init);
}
