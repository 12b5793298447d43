import { SafeString } from './safe-string';

const HTML_SPECIAL = /[&<>"']/;

/**
 * Escape text for HTML, as a raw string. This is the hot-path primitive the
 * template engine uses; it escapes quotes too, so the result is safe both in
 * element content and inside quoted attribute values.
 */
export function escapeHtml(text: string): string {
  // Most interpolated values contain nothing to escape: a native regex search
  // finds that out fastest; from the first special character on, a char-code
  // scan beats replace() with a callback (templates spend most of their time here).
  const first = HTML_SPECIAL.exec(text);
  if (first === null) return text;
  let out = text.slice(0, first.index);
  let last = first.index;
  for (let i = first.index; i < text.length; i++) {
    let replacement: string;
    switch (text.charCodeAt(i)) {
      case 38:
        replacement = '&amp;';
        break;
      case 60:
        replacement = '&lt;';
        break;
      case 62:
        replacement = '&gt;';
        break;
      case 34:
        replacement = '&quot;';
        break;
      case 39:
        replacement = '&#x27;';
        break;
      default:
        continue;
    }
    if (last !== i) out += text.slice(last, i);
    out += replacement;
    last = i + 1;
  }
  return last < text.length ? out + text.slice(last) : out;
}

/** Django's `escape()`: always escapes, even a string already marked safe. */
export function escape(value: unknown): SafeString {
  return new SafeString(escapeHtml(stringify(value)));
}

/** Django's `conditional_escape()`: escapes unless the value is a SafeString. */
export function conditionalEscape(value: unknown): SafeString {
  return value instanceof SafeString ? value : new SafeString(escapeHtml(stringify(value)));
}

/**
 * The string form of a value for output: `null`/`undefined` become the empty
 * string (a template printing a missing value shows nothing, as in Django).
 */
export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return String(value);
}

/**
 * Django's `format_html()`: interpolate `{}` (positional) or `{name}` (named)
 * placeholders, escaping each argument unless it is a SafeString.
 */
export function formatHtml(format: string, ...args: unknown[]): SafeString {
  let position = 0;
  const named = args.length === 1 && isPlainObject(args[0]) ? (args[0] as Record<string, unknown>) : undefined;
  const out = format.replace(/\{([A-Za-z_][A-Za-z0-9_]*)?\}/g, (_match, name: string | undefined) => {
    if (name !== undefined) {
      if (!named || !(name in named)) {
        throw new TypeError(`formatHtml(): no value for placeholder {${name}} in ${JSON.stringify(format)}`);
      }
      return conditionalEscape(named[name]).value;
    }
    if (position >= args.length) {
      throw new TypeError(`formatHtml(): ${JSON.stringify(format)} has more {} placeholders than the ${args.length} argument(s) given`);
    }
    return conditionalEscape(args[position++]).value;
  });
  return new SafeString(out);
}

/** Django's `format_html_join()`: format each item of `items` and join with `sep`. */
export function formatHtmlJoin(sep: string, format: string, items: Iterable<unknown[]>): SafeString {
  const parts: string[] = [];
  for (const args of items) parts.push(formatHtml(format, ...args).value);
  return new SafeString(parts.join(conditionalEscape(sep).value));
}

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
