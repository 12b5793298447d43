import { escapeHtml } from './escape';
import { SafeString } from './safe-string';

const JS_ESCAPES: Record<string, string> = {
  '\\': '\\u005C',
  "'": '\\u0027',
  '"': '\\u0022',
  '>': '\\u003E',
  '<': '\\u003C',
  '&': '\\u0026',
  '=': '\\u003D',
  '-': '\\u002D',
  ';': '\\u003B',
  '`': '\\u0060',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};
// eslint-disable-next-line no-control-regex
const JS_SPECIAL = /[\\'"<>&=\-;`\u2028\u2029\u0000-\u001f]/g;

/**
 * Django's `escapejs`: make text safe inside a JavaScript string literal
 * (single, double or backtick quoted) that itself sits in a <script> block or
 * an event-handler attribute. It does not make text safe as JavaScript code.
 */
export function escapeJs(value: unknown): SafeString {
  const text = value === null || value === undefined ? '' : String(value);
  return new SafeString(
    text.replace(JS_SPECIAL, (c) => JS_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`),
  );
}

const JSON_SCRIPT_ESCAPES: Record<string, string> = { '<': '\\u003C', '>': '\\u003E', '&': '\\u0026' };

/**
 * Django's `json_script`: serialise `value` as JSON inside
 * `<script type="application/json">`, escaping `<`, `>` and `&` so the data
 * can never close the script element. Read it back with
 * `JSON.parse(document.getElementById(id).textContent)`.
 */
export function jsonScript(value: unknown, elementId?: string): SafeString {
  const json = (JSON.stringify(value) ?? 'null').replace(/[<>&]/g, (c) => JSON_SCRIPT_ESCAPES[c]!);
  const id = elementId ? ` id="${escapeHtml(elementId)}"` : '';
  return new SafeString(`<script${id} type="application/json">${json}</script>`);
}
