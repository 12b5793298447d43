import type { Settings } from '../conf/settings';
import { escapeHtml } from '../html/escape';
import type { HttpRequest } from '../http/request';
import { HttpResponse, JsonResponse } from '../http/response';
import { prefersJson } from './error-views';
import type { Resolver404 } from './exceptions';

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}header{background:#ffc;padding:12px 20px;border-bottom:1px solid #ddd}
h1{font-size:20px;margin:0 0 6px}h2{font-size:16px;margin:18px 0 6px}section{padding:0 20px 12px}pre{background:#f6f6f6;padding:10px;overflow:auto;font-size:12px}
table{border-collapse:collapse;font-size:12px}td,th{text-align:left;vertical-align:top;padding:2px 10px 2px 0;border-bottom:1px solid #eee}th{color:#666;font-weight:normal}
.note{background:#eef;padding:10px 20px;border-top:1px solid #ddd}`;

/** Replace values of secret-looking settings (and nested keys) with stars, as Django's SafeExceptionReporterFilter. */
export function cleansedSettings(settings: Settings): Record<string, unknown> {
  const hidden = settings.HIDDEN_SETTINGS;
  const cleanse = (key: string, value: unknown, depth: number): unknown => {
    if (hidden.test(key)) return '********************';
    if (depth > 4 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v, i) => cleanse(String(i), v, depth + 1));
    if (value instanceof RegExp) return String(value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanse(k, v, depth + 1)]));
  };
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, cleanse(k, v, 0)]));
}

function describeValue(value: unknown): string {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (value && typeof value === 'object') {
    if ('label' in value && typeof (value as { label: unknown }).label === 'string') return `<app ${(value as { label: string }).label}>`;
    try {
      return JSON.stringify(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return JSON.stringify(value) ?? String(value);
}

function table(rows: Array<[string, string]>): string {
  if (rows.length === 0) return '<p>None</p>';
  return `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`).join('')}</table>`;
}

const SENSITIVE_HEADERS = new Set(['cookie', 'authorization', 'proxy-authorization', 'x-csrftoken', 'x-api-key']);

function requestRows(request: HttpRequest, hidden: RegExp): Array<[string, string]> {
  const headerRows = Object.entries(request.headers).map(([k, v]): [string, string] => [k, hidden.test(k) || SENSITIVE_HEADERS.has(k) ? '********************' : String(v)]);
  return [['Method', request.method], ['Path', request.path], ['Query', request.queryString], ...headerRows];
}

/** Django's technical 500 page: the error, its stack, the request and the (masked) settings. Only with DEBUG. */
export function technical500Response(request: HttpRequest, error: unknown, status = 500): HttpResponse {
  const err = error instanceof Error ? error : new Error(String(error));
  const hidden = request.settings.HIDDEN_SETTINGS;
  if (prefersJson(request)) {
    return new JsonResponse({ error: { status, type: err.name, message: err.message, stack: err.stack?.split('\n') } }, { status });
  }
  const settingsRows = Object.entries(cleansedSettings(request.settings)).map(([k, v]): [string, string] => [k, describeValue(v)]);
  const extra = (err as { templateDebug?: { name: string; line: number; column: number; source: string } }).templateDebug;
  const templateSection = extra
    ? `<section><h2>Template error in ${escapeHtml(extra.name)}, line ${extra.line}, column ${extra.column}</h2><pre>${escapeHtml(extra.source)}</pre></section>`
    : '';
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>${escapeHtml(err.name)} at ${escapeHtml(request.path)}</title><style>${STYLE}</style></head><body>
<header><h1>${escapeHtml(err.name)} at ${escapeHtml(request.path)}</h1><pre>${escapeHtml(err.message)}</pre>
<table><tr><th>Request method</th><td>${escapeHtml(request.method)}</td></tr><tr><th>Request URL</th><td>${escapeHtml(request.getFullPath())}</td></tr>
<tr><th>Status</th><td>${status}</td></tr></table></header>
${templateSection}
<section><h2>Traceback</h2><pre>${escapeHtml(err.stack ?? String(err))}</pre></section>
<section><h2>Request</h2>${table(requestRows(request, hidden))}</section>
<section><h2>Settings</h2>${table(settingsRows)}</section>
<p class="note">You're seeing this error because you have <code>DEBUG = true</code> in your settings. Change that to <code>false</code>, and Manouche will display a standard page instead.</p>
</body></html>`;
  return new HttpResponse(body, { status });
}

/** Django's technical 404 page: the URL patterns that were tried, in order. Only with DEBUG. */
export function technical404Response(request: HttpRequest, error: Resolver404 | Error): HttpResponse {
  const tried = 'tried' in error ? error.tried : [];
  if (prefersJson(request)) {
    return new JsonResponse({ error: { status: 404, code: 'not_found', message: error.message, tried } }, { status: 404 });
  }
  const list = tried.length
    ? `<p>Manouche tried these URL patterns, in this order:</p><ol>${tried.map((t) => `<li><code>${escapeHtml(t)}</code></li>`).join('')}</ol><p>The current path, <code>${escapeHtml(request.path.slice(1))}</code>, didn't match any of these.</p>`
    : `<p>${escapeHtml(error.message)}</p>`;
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>Page not found at ${escapeHtml(request.path)}</title><style>${STYLE}</style></head><body>
<header><h1>Page not found <span>(404)</span></h1><table><tr><th>Request method</th><td>${escapeHtml(request.method)}</td></tr>
<tr><th>Request URL</th><td>${escapeHtml(request.getFullPath())}</td></tr></table></header>
<section>${list}</section>
<p class="note">You're seeing this error because you have <code>DEBUG = true</code> in your settings. Change that to <code>false</code>, and Manouche will display a standard 404 page.</p>
</body></html>`;
  return new HttpResponse(body, { status: 404 });
}
