import { escapeHtml, SafeString } from '@manouche/core';
import { codePoints, keepSafe, pyFloat, pyInt, pyNumberText, pyPad, pyRepr, PythonError, pyTitle, str } from './python';

/** Django's `addslashes`: backslash-escape backslashes and quotes (for CSV, not for JavaScript). */
export function addslashes(value: unknown): string | SafeString {
  return keepSafe(value, str(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/'/g, "\\'"));
}

/** Django's `capfirst`. */
export function capfirst(value: unknown): string | SafeString {
  const text = str(value);
  if (!text) return keepSafe(value, text);
  const [first = '', ...rest] = codePoints(text);
  return keepSafe(value, first.toUpperCase() + rest.join(''));
}

export function center(value: unknown, width: unknown): string | SafeString {
  return keepSafe(value, pyPad(str(value), pyInt(width), 'center'));
}

export function ljust(value: unknown, width: unknown): string | SafeString {
  return keepSafe(value, pyPad(str(value), pyInt(width), 'left'));
}

export function rjust(value: unknown, width: unknown): string | SafeString {
  return keepSafe(value, pyPad(str(value), pyInt(width), 'right'));
}

/** Django's `cut`: remove every occurrence of `arg`. Safe input stays safe unless `;` was cut (it could break an entity). */
export function cut(value: unknown, arg: unknown): string | SafeString {
  const needle = str(arg);
  const out = str(value).split(needle).join('');
  return value instanceof SafeString && needle !== ';' ? new SafeString(out) : out;
}

export function lower(value: unknown): string | SafeString {
  return keepSafe(value, str(value).toLowerCase());
}

/** Django's `upper` is not is_safe (upper-casing can break entities like `&amp;`): the result is escaped again. */
export function upper(value: unknown): string {
  return str(value).toUpperCase();
}

/** Django's `title`: Python's str.title(), without capitalising after an apostrophe or a digit. */
export function title(value: unknown): string | SafeString {
  const titled = pyTitle(str(value))
    .replace(/([a-z])'([A-Z])/g, (match) => match.toLowerCase())
    .replace(/\d([A-Z])/g, (match) => match.toLowerCase());
  return keepSafe(value, titled);
}

/** Django's `slugify`: ASCII, lower case, alphanumerics, `_` and `-`; spaces and dashes become one `-`. */
export function slugify(value: unknown): string | SafeString {
  const ascii = str(value).normalize('NFKD').replace(/[^\x00-\x7f]/g, '');
  const cleaned = ascii.toLowerCase().replace(/[^\w\s\x1c-\x1f-]/g, '');
  return keepSafe(value, cleaned.replace(/[-\s\x1c-\x1f]+/g, '-').replace(/^[-_]+|[-_]+$/g, ''));
}

const PHONE: Record<string, string> = {
  a: '2', b: '2', c: '2', d: '3', e: '3', f: '3', g: '4', h: '4', i: '4', j: '5', k: '5', l: '5', m: '6',
  n: '6', o: '6', p: '7', q: '7', r: '7', s: '7', t: '8', u: '8', v: '8', w: '9', x: '9', y: '9', z: '9',
};

export function phone2numeric(value: unknown): string | SafeString {
  return keepSafe(value, codePoints(str(value).toLowerCase()).map((c) => PHONE[c] ?? c).join(''));
}

/** Django's `make_list`: the characters of the value's text. */
export function makeList(value: unknown): string[] {
  return codePoints(str(value));
}

export function wordcount(value: unknown): number {
  const text = str(value).trim();
  return text === '' ? 0 : text.split(/[\s\x1c-\x1f]+/).length;
}

/** Django's `urlencode` (Python's quote()): `safe` characters are kept, default `/`. */
export function urlencode(value: unknown, safe: unknown = '/'): string {
  const keep = new Set(str(safe));
  let out = '';
  for (const char of str(value)) {
    if (/^[A-Za-z0-9_.\-~]$/.test(char) || keep.has(char)) {
      out += char;
      continue;
    }
    for (const byte of new TextEncoder().encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Django's `linenumbers`: each line prefixed with its number, zero-padded; the text is escaped unless safe. */
export function linenumbers(value: unknown): SafeString {
  const text = str(value);
  const lines = text.split('\n');
  const width = String(lines.length).length;
  const safe = value instanceof SafeString;
  return new SafeString(lines.map((line, i) => `${String(i + 1).padStart(width, '0')}. ${safe ? line : escapeHtml(line)}`).join('\n'));
}

// Python's textwrap, as django.utils.text.wrap() configures it.
const WRAP_WHITESPACE = /([\t\n\x0b\x0c\r ]+)/;
const LINE_BREAKS = /\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]/;

function expandTabs(line: string, size = 8): string {
  let out = '';
  for (const char of line) {
    if (char === '\t') out += ' '.repeat(size - (out.length % size));
    else out += char;
  }
  return out;
}

function wrapLine(line: string, width: number): string[] {
  const chunks = expandTabs(line).split(WRAP_WHITESPACE).filter((chunk) => chunk !== '').reverse();
  const lines: string[] = [];
  while (chunks.length) {
    const current: string[] = [];
    let length = 0;
    if (chunks[chunks.length - 1]!.trim() === '' && lines.length) chunks.pop();
    while (chunks.length) {
      const size = chunks[chunks.length - 1]!.length;
      if (length + size > width) break;
      current.push(chunks.pop()!);
      length += size;
    }
    // Words longer than the width are never broken: such a word gets a line of its own.
    if (chunks.length && chunks[chunks.length - 1]!.length > width && current.length === 0) current.push(chunks.pop()!);
    if (current.length && current[current.length - 1]!.trim() === '') current.pop();
    if (current.length) lines.push(current.join(''));
  }
  return lines;
}

/** Django's `wordwrap`: wrap at `width` characters, keep existing line breaks, never break words. */
export function wordwrap(value: unknown, width: unknown): string | SafeString {
  const size = pyInt(width);
  if (size <= 0) throw new RangeError(`wordwrap: invalid width ${size} (must be > 0)`);
  const text = str(value);
  const lines = text.split(LINE_BREAKS);
  if (lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  for (const line of lines) {
    const wrapped = wrapLine(line, size);
    if (wrapped.length) out.push(...wrapped);
    else out.push(line);
  }
  if (text.endsWith('\n')) out.push('');
  return keepSafe(value, out.join('\n'));
}

const CONVERSION = /%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([diouxXeEfFgGcrsa%])?/g;

/**
 * Django's `stringformat`: Python's `("%" + arg) % value`, for the one value.
 * Anything Python would refuse (a wrong type, two conversions) gives "".
 */
export function stringformat(value: unknown, arg: unknown): string | SafeString {
  try {
    return keepSafe(value, percentFormat(`%${str(arg)}`, value));
  } catch (error) {
    if (error instanceof PythonError) return '';
    throw error;
  }
}

function percentFormat(format: string, value: unknown): string {
  let used = false;
  const out = format.replace(CONVERSION, (_match, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string | undefined) => {
    if (type === '%') return '%';
    if (!type || key !== undefined || width === '*' || precision === '*') throw new PythonError('unsupported format');
    if (used) throw new PythonError('not enough arguments for format string');
    used = true;
    return convert(value, flags, width === undefined ? 0 : Number(width), precision === undefined ? undefined : Number(precision || 0), type);
  });
  if (!used) throw new PythonError('not all arguments converted during string formatting');
  return out;
}

function convert(value: unknown, flags: string, width: number, precision: number | undefined, type: string): string {
  const left = flags.includes('-');
  let sign = '';
  let body: string;
  let numeric = true;
  if ('diu'.includes(type)) {
    const n = integerOf(value, true);
    sign = numberSign(n < 0, flags);
    body = String(Math.abs(n));
    if (precision !== undefined) body = body.padStart(precision, '0');
  } else if ('oxX'.includes(type)) {
    const n = integerOf(value, false);
    sign = numberSign(n < 0, flags);
    const radix = type === 'o' ? 8 : 16;
    body = Math.abs(n).toString(radix);
    if (type === 'X') body = body.toUpperCase();
    if (precision !== undefined) body = body.padStart(precision, '0');
    if (flags.includes('#')) body = (type === 'o' ? '0o' : type === 'x' ? '0x' : '0X') + body;
  } else if ('eEfFgG'.includes(type)) {
    const n = floatOf(value);
    sign = numberSign(n < 0 || Object.is(n, -0), flags);
    body = formatFloat(Math.abs(n), type, precision ?? 6, flags.includes('#'));
  } else {
    numeric = false;
    if (type === 'c') body = charOf(value);
    else if (type === 's') body = str(value);
    else body = pyRepr(value);
    if (precision !== undefined) body = codePoints(body).slice(0, precision).join('');
  }
  const content = sign + body;
  const pad = width - codePoints(content).length;
  if (pad <= 0) return content;
  if (left) return content + ' '.repeat(pad);
  if (numeric && flags.includes('0')) return sign + '0'.repeat(pad) + body;
  return ' '.repeat(pad) + content;
}

function numberSign(negative: boolean, flags: string): string {
  if (negative) return '-';
  if (flags.includes('+')) return '+';
  return flags.includes(' ') ? ' ' : '';
}

function integerOf(value: unknown, allowFloat: boolean): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isFinite(value) && (allowFloat || Number.isInteger(value))) return Math.trunc(value);
  throw new PythonError('%d format: a real number is required');
}

function floatOf(value: unknown): number {
  if (typeof value === 'number' || typeof value === 'boolean') return pyFloat(value);
  throw new PythonError('must be real number');
}

function charOf(value: unknown): string {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0x10ffff) return String.fromCodePoint(value);
  if (typeof value === 'string' && codePoints(value).length === 1) return value;
  throw new PythonError('%c requires int or char');
}

function formatFloat(n: number, type: string, precision: number, alternate: boolean): string {
  const upper = type === type.toUpperCase();
  if (!Number.isFinite(n)) return upper ? (Number.isNaN(n) ? 'NAN' : 'INF') : pyNumberText(n).replace('-', '');
  let out: string;
  const kind = type.toLowerCase();
  if (kind === 'f') out = n.toFixed(precision);
  else if (kind === 'e') out = exponentForm(n, precision);
  else {
    // %g: the exponent after rounding to `p` significant digits picks fixed or exponent notation.
    const p = precision === 0 ? 1 : precision;
    const exponent = Number(n.toExponential(p - 1).split('e')[1]);
    out = exponent < -4 || exponent >= p ? exponentForm(n, p - 1) : n.toFixed(Math.max(0, p - 1 - exponent));
    if (!alternate) {
      const [mantissa, power] = out.split('e') as [string, string | undefined];
      const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
      out = power === undefined ? trimmed : `${trimmed}e${power}`;
    }
  }
  return upper ? out.toUpperCase() : out;
}

function exponentForm(n: number, digits: number): string {
  const [mantissa, exponent] = n.toExponential(digits).split('e') as [string, string];
  const value = Number(exponent);
  return `${mantissa}e${value < 0 ? '-' : '+'}${String(Math.abs(value)).padStart(2, '0')}`;
}
