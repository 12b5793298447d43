import { SafeString } from '@manouche/core';
import { pyFloat, pyInt, pyLen, pyNumberText, pyRound, PythonError, str, truthy } from './python';

/** Python str() of a value, for filters that parse numbers out of text. */
function pyStr(value: unknown): string {
  if (typeof value === 'number') return pyNumberText(value);
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  return str(value);
}

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof PythonError) return undefined;
    throw error;
  }
}

/** Django's `add`: integers added when both convert, else Python's `+` (text, lists), else "". */
export function add(value: unknown, arg: unknown): unknown {
  const a = attempt(() => pyInt(value));
  const b = attempt(() => pyInt(arg));
  if (a !== undefined && b !== undefined) return a + b;
  const isText = (v: unknown) => typeof v === 'string' || v instanceof SafeString;
  if (isText(value) && isText(arg)) {
    const joined = str(value) + str(arg);
    return value instanceof SafeString && arg instanceof SafeString ? new SafeString(joined) : joined;
  }
  if (Array.isArray(value) && Array.isArray(arg)) return [...value, ...arg];
  if (typeof value === 'number' && typeof arg === 'number') return value + arg;
  return '';
}

/** Django's `divisibleby`. A value that is not an integer is not divisible. */
export function divisibleby(value: unknown, arg: unknown): boolean {
  const divisor = pyInt(arg);
  if (divisor === 0) throw new RangeError('divisibleby: integer division or modulo by zero');
  const n = attempt(() => pyInt(value));
  return n !== undefined && n % divisor === 0;
}

// --- floatformat: exact decimal arithmetic on the number's shortest representation (Python's Decimal(repr(x))). ---

interface Decimal {
  negative: boolean;
  /** Coefficient digits, no sign. */
  digits: string;
  exponent: number;
}

const DECIMAL_TEXT = /^([+-])?(?=\d|\.\d)(\d+(?:_\d+)*)?(?:\.(\d+(?:_\d+)*)?)?(?:[eE]([+-]?\d+))?$/;

function parseDecimal(text: string): Decimal | 'special' | undefined {
  const trimmed = text.trim();
  if (/^[+-]?(inf|infinity|s?nan)$/i.test(trimmed)) return 'special';
  const match = DECIMAL_TEXT.exec(trimmed);
  if (!match) return undefined;
  const whole = (match[2] ?? '').replace(/_/g, '');
  const fraction = (match[3] ?? '').replace(/_/g, '');
  const digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  return { negative: match[1] === '-', digits: digits || '0', exponent: Number(match[4] ?? 0) - fraction.length };
}

function hasFraction(d: Decimal): boolean {
  if (d.exponent >= 0) return false;
  return /[1-9]/.test(d.digits.padStart(-d.exponent, '0').slice(d.exponent));
}

function integerText(d: Decimal): string {
  const whole = d.exponent >= 0 ? d.digits + '0'.repeat(d.exponent) : d.digits.slice(0, d.digits.length + d.exponent);
  const clean = whole.replace(/^0+/, '') || '0';
  return d.negative && clean !== '0' ? `-${clean}` : clean;
}

/** Quantize to `places` decimals, rounding half up (away from zero); returns the plain decimal text. */
function quantize(d: Decimal, places: number): string {
  const shift = d.exponent + places;
  let digits: string;
  if (shift >= 0) {
    digits = d.digits + '0'.repeat(shift);
  } else {
    const padded = d.digits.padStart(-shift + 1, '0');
    const kept = padded.slice(0, padded.length + shift);
    const roundUp = Number(padded[padded.length + shift]) >= 5;
    digits = roundUp ? (BigInt(kept) + 1n).toString() : kept;
  }
  digits = digits.padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places).replace(/^0+(?=\d)/, '');
  const fraction = digits.slice(digits.length - places);
  const zero = !/[1-9]/.test(digits);
  return `${d.negative && !zero ? '-' : ''}${whole}${places ? `.${fraction}` : ''}`;
}

/** Django's numberformat.format() for the English locale: `decimals` places, `,` thousands when grouping. */
export function numberFormat(text: string, decimals: number | undefined, grouping: boolean): string {
  let sign = '';
  let number = text;
  if (number.startsWith('-')) {
    sign = '-';
    number = number.slice(1);
  }
  let [whole = '', fraction = ''] = number.split('.');
  if (decimals !== undefined) fraction = fraction.slice(0, decimals).padEnd(decimals, '0');
  if (grouping) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + whole + (fraction ? `.${fraction}` : '');
}

/**
 * Django's `floatformat`: one decimal by default and only when there is a
 * fraction; `n` places always, `-n` places only when there is a fraction;
 * a `g` suffix adds thousands separators (a `u` suffix is accepted).
 */
export function floatformat(value: unknown, arg: unknown = -1): string | SafeString {
  let grouping = false;
  let places: unknown = arg;
  if (typeof arg === 'string' || arg instanceof SafeString) {
    const text = str(arg);
    if (text.endsWith('gu') || text.endsWith('ug')) {
      grouping = true;
      places = text.slice(0, -2) || -1;
    } else if (text.endsWith('g')) {
      grouping = true;
      places = text.slice(0, -1) || -1;
    } else if (text.endsWith('u')) {
      places = text.slice(0, -1) || -1;
    }
  }
  const input = pyStr(value);
  let d = parseDecimal(input);
  if (d === undefined) {
    const asFloat = attempt(() => pyFloat(value));
    d = asFloat === undefined ? undefined : parseDecimal(pyNumberText(asFloat));
  }
  if (d === undefined) return '';
  const p = attempt(() => pyInt(places));
  if (p === undefined || d === 'special') return input;
  const fractional = hasFraction(d);
  if (!fractional && p <= 0) return new SafeString(numberFormat(integerText(d), 0, grouping));
  return new SafeString(numberFormat(quantize(d, Math.abs(p)), Math.abs(p), grouping));
}

const SIZES: Array<[number, string]> = [
  [2 ** 50, 'PB'],
  [2 ** 40, 'TB'],
  [2 ** 30, 'GB'],
  [2 ** 20, 'MB'],
  [2 ** 10, 'KB'],
];

/** Django's `filesizeformat`: "13 KB", "4.1 MB" (1024-based), with non-breaking spaces. */
export function filesizeformat(value: unknown): string {
  let bytes = attempt(() => pyInt(value));
  if (bytes === undefined) return '0\u00a0bytes';
  const negative = bytes < 0;
  if (negative) bytes = -bytes;
  let text = `${bytes}\u00a0${bytes === 1 ? 'byte' : 'bytes'}`;
  for (const [size, unit] of SIZES) {
    if (bytes >= size) {
      text = `${pyRound(bytes / size, 1).toFixed(1)}\u00a0${unit}`;
      break;
    }
  }
  return negative ? `-${text}` : text;
}

/** Humanize's `intcomma`: thousands separators ("45,000"), also for floats and numeric text. */
export function intcomma(value: unknown): string | SafeString {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return numberFormat(Number.isSafeInteger(value) ? String(value) : floatText(value), undefined, true);
  }
  const asInt = typeof value === 'number' ? undefined : attempt(() => pyInt(value));
  if (asInt !== undefined) return numberFormat(String(asInt), undefined, true);
  const result = pyStr(value === undefined || value === null ? '' : value);
  const match = /^-?\d+/.exec(result);
  if (!match) return result;
  const prefix = match[0];
  const grouped = [...prefix].reverse().join('').replace(/\d{3}/g, '$&,');
  const withCommas = [...grouped].reverse().join('').replace(/^(-?),/, '$1');
  return withCommas + result.slice(prefix.length);
}

/** A float in positional notation (number_format() turns exponent forms into Decimal('{:f}')). */
function floatText(value: number): string {
  const text = pyNumberText(value);
  if (!text.includes('e')) return text;
  const d = parseDecimal(text) as Decimal;
  return d.exponent >= 0 ? integerText(d) : quantize(d, -d.exponent);
}

/** Humanize's `ordinal`: 1st, 2nd, 3rd, 11th… (safe). Values that are not integers are returned as they are. */
export function ordinal(value: unknown): unknown {
  const n = attempt(() => pyInt(value));
  if (n === undefined) return value;
  if (n < 0) return String(n);
  const suffix = [11, 12, 13].includes(n % 100) ? 'th' : (['th', 'st', 'nd', 'rd', 'th', 'th', 'th', 'th', 'th', 'th'] as const)[n % 10];
  return new SafeString(`${n}${suffix}`);
}

/** Django's `pluralize`: "s" (or the given suffix, or "singular,plural") unless the value is 1 or has one item. */
export function pluralize(value: unknown, arg: unknown = 's'): string {
  let text = str(arg);
  if (!text.includes(',')) text = `,${text}`;
  const bits = text.split(',');
  if (bits.length > 2) return '';
  const [singular, plural] = bits as [string, string];
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' || value instanceof SafeString) {
    const n = attempt(() => pyFloat(value));
    return n === undefined ? '' : n === 1 ? singular : plural;
  }
  const length = attempt(() => pyLen(value));
  return length === undefined ? '' : length === 1 ? singular : plural;
}

/** Django's `yesno`: "yes,no,maybe" (or the given words) for true, false and null. */
export function yesno(value: unknown, arg?: unknown): unknown {
  const bits = str(arg ?? 'yes,no,maybe').split(',');
  if (bits.length < 2) return value;
  const [yes, no, maybe = no] = bits.length === 3 ? bits : [bits[0]!, bits[1]!, bits[1]!];
  if (value === null || value === undefined) return maybe;
  return truthy(value) ? yes : no;
}

/** Django's `default`: `arg` when the value is false in Python's sense ("", 0, [], null…). */
export function defaultFilter(value: unknown, arg: unknown): unknown {
  return truthy(value) ? value : arg;
}

/** Django's `default_if_none`: `arg` only when the value is null (or undefined). */
export function defaultIfNone(value: unknown, arg: unknown): unknown {
  return value === null || value === undefined ? arg : value;
}

/** Django's `length`: items of a list, characters of a string, 0 for what has no length. */
export function length(value: unknown): number {
  return attempt(() => pyLen(value)) ?? 0;
}

export function first(value: unknown): unknown {
  const items = sequence(value);
  return items.length ? items[0] : '';
}

export function last(value: unknown): unknown {
  const items = sequence(value);
  return items.length ? items[items.length - 1] : '';
}

/** Django's `random`: one item at random ("" for an empty list, where Django would raise). */
export function random(value: unknown): unknown {
  const items = sequence(value);
  return items.length ? items[Math.floor(Math.random() * items.length)] : '';
}

function sequence(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' || value instanceof SafeString) return Array.from(str(value));
  return [];
}
