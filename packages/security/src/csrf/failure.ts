import { formatHtml, type HttpRequest, HttpResponseForbidden, JsonResponse, markSafe, prefersJson } from '@manouche/core';
import { REASON_NO_CSRF_COOKIE, REASON_NO_REFERER } from './reasons';

const NO_REFERER_HELP = `<p>You are seeing this message because this HTTPS site requires a “Referer header” to be sent by your web browser, but none was sent. This header is required for security reasons, to ensure that your browser is not being hijacked by third parties.</p>
<p>If you have configured your browser to disable “Referer” headers, please re-enable them, at least for this site, or for HTTPS connections, or for “same-origin” requests.</p>
<p>If you are using the <code>&lt;meta name="referrer" content="no-referrer"&gt;</code> tag or including the “Referrer-Policy: no-referrer” header, please remove them. The CSRF protection requires the “Referer” header to do strict referer checking. If you’re concerned about privacy, use alternatives like <code>&lt;a rel="noreferrer" …&gt;</code> for links to third-party sites.</p>`;

const NO_COOKIE_HELP = `<p>You are seeing this message because this site requires a CSRF cookie when submitting forms. This cookie is required for security reasons, to ensure that your browser is not being hijacked by third parties.</p>
<p>If you have configured your browser to disable cookies, please re-enable them, at least for this site, or for “same-origin” requests.</p>`;

const DEBUG_HELP = `<p>In general, this can occur when there is a genuine Cross Site Request Forgery, or when the CSRF protection has not been used correctly. For POST forms, you need to ensure:</p>
<ul>
  <li>Your browser is accepting cookies.</li>
  <li>The view that renders the form reads the token: <code>getToken(request)</code>, or the <code>csrfToken</code> variable of the security context processor in a template.</li>
  <li>Every POST form targeting an internal URL carries it: <code>csrfInput()</code> in the template, i.e. a hidden <code>csrfmiddlewaretoken</code> field.</li>
  <li>fetch/XHR requests send it in the <code>X-CSRFToken</code> header (or <code>CSRF_HEADER_NAME</code>).</li>
  <li>The form page was not left open while you logged in in another tab: logging in rotates the token.</li>
  <li>The request comes from this site or from an origin listed in <code>CSRF_TRUSTED_ORIGINS</code>.</li>
</ul>
<p>You’re seeing the help section of this page because you have <code>DEBUG = true</code> in your settings. Change that to <code>false</code>, and only the initial error message will be displayed.</p>`;

/**
 * The 403 page for a refused request, as Django's `csrf_failure`: with DEBUG,
 * the reason and how to fix it; otherwise a short page that reveals nothing.
 */
export function csrfFailurePage(reason: string, debug: boolean): string {
  const help = reason === REASON_NO_REFERER ? markSafe(NO_REFERER_HELP) : reason === REASON_NO_CSRF_COOKIE ? markSafe(NO_COOKIE_HELP) : '';
  const details = debug
    ? formatHtml('<p>Reason given for failure:</p>\n<pre>{}</pre>\n{}', reason, markSafe(DEBUG_HELP))
    : markSafe('<p>More information is available with DEBUG=true.</p>');
  return formatHtml(
    `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="NONE,NOARCHIVE"><title>403 Forbidden</title></head>
<body>
<h1>Forbidden <span>(403)</span></h1>
<p>CSRF verification failed. Request aborted.</p>
{}
{}
</body>
</html>
`,
    help,
    details,
  ).toString();
}

/** The JSON body for API clients: the reason only with DEBUG. */
export function csrfFailureJson(reason: string, debug: boolean): { error: { status: 403; code: 'csrf_failed'; message: string } } {
  return { error: { status: 403, code: 'csrf_failed', message: debug ? `CSRF verification failed: ${reason}` : 'CSRF verification failed. Request aborted.' } };
}

/** The built-in CSRF_FAILURE_VIEW. */
export function csrfFailure(request: HttpRequest, reason: string): HttpResponseForbidden | JsonResponse {
  const debug = request.settings.DEBUG;
  if (prefersJson(request)) return new JsonResponse(csrfFailureJson(reason, debug), { status: 403 });
  return new HttpResponseForbidden(csrfFailurePage(reason, debug));
}
