import { formatHtml, HttpResponse, type HttpRequest, markSafe } from '@manouche/core';

const PACKAGES: Array<[string, string]> = [
  ['@manouche/core', 'requests, URL routing, middleware, settings, signing, static files'],
  ['@manouche/orm', 'models and QuerySets on TypeORM'],
  ['@manouche/templates', 'templates on Eta, escaped by default'],
  ['@manouche/security', 'CSRF, clickjacking, security headers, CSP'],
  ['@manouche/cache', 'memory, Redis and database caches'],
  ['@manouche/auth', 'users, sessions, login, permissions'],
  ['@manouche/forms', 'declarative forms and model forms'],
];

/** The front page. */
export function home(request: HttpRequest): HttpResponse {
  const items = PACKAGES.map(([name, what]) => formatHtml('<li><code>{}</code> — {}</li>', name, what).value).join('\n');
  const body = formatHtml(
    `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>The Newsroom</title>
  <link rel="stylesheet" href="{}">
</head>
<body>
  <header class="masthead"><h1>The Newsroom</h1><p>A news site built only from Manouche packages.</p></header>
  <main>
    <p>You are reading it at <code>{}</code>. It is assembled from:</p>
    <ul>{}</ul>
  </main>
</body>
</html>`,
    `${request.settings.STATIC_URL}newsroom/site.css`,
    request.buildAbsoluteUri('/'),
    markSafe(items),
  );
  return new HttpResponse(body.value);
}
