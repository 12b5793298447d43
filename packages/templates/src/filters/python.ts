import { SafeString, stringify } from '@manouche/core';

/**
 * Python semantics the Django filters rely on (int(), float(), truthiness,
 * round(), slicing, str.title()…), so each filter can follow Django's code
 * line by line and return what Django returns.
 */

/** Python's ValueError/TypeError inside a filter: caught where Django catches them. */
export class PythonError extends Error {}

/** The text of a value, as Django's @stringfilter sees it (a SafeString keeps its text). */
export function str(value: unknown): string {
  return value instanceof SafeString ? value.value : stringify(value);
}

/** Django's is_safe: a filter given a SafeString returns a SafeString when it returns text. */
export function keepSafe(input: unknown, output: string): string | SafeString {
  return input instanceof SafeString ? new SafeString(output) : output;
}

const INT_TEXT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/** Python int(): truncates numbers, parses integer text, refuses anything else. */
export function pyInt(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new PythonError(`cannot convert ${value} to integer`);
    return Math.trunc(value);
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  const text = typeof value === 'string' || value instanceof SafeString ? str(value) : undefined;
  if (text !== undefined && INT_TEXT.test(text)) return Number(text.replace(/_/g, '').trim());
  throw new PythonError(`invalid literal for int(): ${JSON.stringify(text ?? typeof value)}`);
}

const FLOAT_TEXT = /^\s*[+-]?(?:(?:\d+(?:_\d+)*)?\.?\d+(?:_\d+)*(?:[eE][+-]?\d+)?|\d+\.|inf|infinity|nan)\s*$/i;

/** Python float(): numbers and numeric text (including inf/nan); anything else throws. */
export function pyFloat(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const text = typeof value === 'string' || value instanceof SafeString ? str(value) : undefined;
  if (text === undefined) throw new PythonError(`float() argument must be a string or a number, not ${typeof value}`);
  if (!FLOAT_TEXT.test(text)) throw new PythonError(`could not convert string to float: ${JSON.stringify(text)}`);
  const clean = text.trim().replace(/_/g, '').toLowerCase();
  if (/^[+-]?inf(inity)?$/.test(clean)) return clean.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(clean)) return NaN;
  return Number(clean);
}

/** Python truthiness: empty strings, lists, dicts, sets, 0, None and False are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (value instanceof SafeString) return value.value !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Python len(); throws for values without a length. */
export function pyLen(value: unknown): number {
  if (typeof value === 'string') return codePoints(value).length;
  if (value instanceof SafeString) return codePoints(value.value).length;
  if (Array.isArray(value)) return value.length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (isPlainObject(value)) return Object.keys(value).length;
  throw new PythonError(`object of type '${value === null ? 'NoneType' : typeof value}' has no len()`);
}

/** A string as Python sees it: a sequence of code points. */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/** Python round(x, digits): round half to even on the exact binary value. */
export function pyRound(x: number, digits: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  const exact = x.toFixed(100);
  const dot = exact.indexOf('.');
  const kept = exact.slice(0, dot + 1 + digits);
  const rest = exact.slice(dot + 1 + digits);
  const rounded = Number(x.toFixed(digits));
  if (/^50*$/.test(rest)) {
    // A tie: toFixed() rounds away from zero; Python keeps the even neighbour.
    const last = Number(kept.replace(/\D/g, '').slice(-1));
    if (last % 2 === 0) return Number(kept.endsWith('.') ? kept.slice(0, -1) : kept);
  }
  return rounded;
}

/** Python slicing `seq[start:stop:step]` for strings (by code point) and arrays. */
export function pySlice<T>(items: readonly T[], start: number | null, stop: number | null, step: number | null): T[] {
  const length = items.length;
  const by = step ?? 1;
  if (by === 0) throw new PythonError('slice step cannot be zero');
  const clamp = (index: number | null, fallback: number, low: number, high: number): number => {
    if (index === null) return fallback;
    const i = index < 0 ? index + length : index;
    return Math.min(Math.max(i, low), high);
  };
  const out: T[] = [];
  if (by > 0) {
    const from = clamp(start, 0, 0, length);
    const to = clamp(stop, length, 0, length);
    for (let i = from; i < to; i += by) out.push(items[i]!);
  } else {
    const from = clamp(start, length - 1, -1, length - 1);
    const to = clamp(stop, -1, -1, length - 1);
    for (let i = from; i > to; i += by) out.push(items[i]!);
  }
  return out;
}

function isCased(char: string): boolean {
  return char.toLowerCase() !== char.toUpperCase();
}

/** Python str.title(): a cased character after an uncased one is upper-cased, the others lower-cased. */
export function pyTitle(text: string): string {
  let out = '';
  let previousCased = false;
  for (const char of text) {
    if (isCased(char)) {
      out += previousCased ? char.toLowerCase() : char.toUpperCase();
      previousCased = true;
    } else {
      out += char;
      previousCased = false;
    }
  }
  return out;
}

/** Python str.center/ljust/rjust padding with spaces (by code point). */
export function pyPad(text: string, width: number, how: 'left' | 'right' | 'center'): string {
  const length = codePoints(text).length;
  if (width <= length) return text;
  const margin = width - length;
  if (how === 'left') return text + ' '.repeat(margin);
  if (how === 'right') return ' '.repeat(margin) + text;
  // CPython's pad(): the odd space goes left only when both the margin and the width are odd.
  const left = Math.floor(margin / 2) + (margin & width & 1);
  return ' '.repeat(left) + text + ' '.repeat(margin - left);
}

/** Python repr() of the values templates see. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumberText(value);
  if (typeof value === 'string' || value instanceof SafeString) {
    const text = str(value);
    const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
    const body = text.replace(/[\\\n\r\t]|[\x00-\x1f\x7f]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  return String(value);
}

/** A number as Python prints it: integers in full, floats with repr()'s exponent rules. */
export function pyNumberText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  // Safe integers stand for Python ints; anything else is a float, printed like Python's repr().
  if (Number.isSafeInteger(value)) return String(value);
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
