import { SafeString } from '@manouche/core';
import { iterate } from './html';
import { pyFloat, pyInt, pySlice, PythonError, str } from './python';

class Unorderable extends Error {}

/** Python's ordering of sort keys: numbers, text, dates and lists compare within their kind; mixing kinds is a TypeError. */
function compare(a: unknown, b: unknown): number {
  const kind = (v: unknown): string => (typeof v === 'boolean' ? 'number' : v instanceof SafeString ? 'string' : v instanceof Date ? 'date' : Array.isArray(v) ? 'list' : typeof v);
  const ka = kind(a);
  if (ka !== kind(b)) throw new Unorderable();
  if (ka === 'number') return Number(a) - Number(b);
  if (ka === 'string') {
    const x = str(a);
    const y = str(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ka === 'date') return (a as Date).getTime() - (b as Date).getTime();
  if (ka === 'list') {
    const x = a as unknown[];
    const y = b as unknown[];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = compare(x[i], y[i]);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  throw new Unorderable();
}

/** Django's _property_resolver(): a number is an index, else a dotted path; private names (`_x`) are refused. */
function resolver(arg: unknown): (item: unknown) => unknown {
  let numeric = true;
  try {
    pyFloat(arg);
  } catch (error) {
    if (!(error instanceof PythonError)) throw error;
    numeric = false;
  }
  if (numeric) return (item) => (item as Record<string, unknown> | null)?.[arg as string];
  const path = str(arg);
  if (path.includes('._') || path.startsWith('_')) throw new Unorderable();
  const parts = path.split('.');
  return (item) => {
    let value = item;
    for (const part of parts) {
      if (value === null || value === undefined) throw new Unorderable();
      value = (value as Record<string, unknown>)[part];
      if (value === undefined) throw new Unorderable();
    }
    return value;
  };
}

function sortBy(value: unknown, arg: unknown, reverse: boolean): unknown {
  try {
    const key = resolver(arg);
    const decorated = iterate(value).map((item) => ({ item, key: key(item) }));
    decorated.sort((a, b) => (reverse ? compare(b.key, a.key) : compare(a.key, b.key)));
    return decorated.map((entry) => entry.item);
  } catch (error) {
    if (error instanceof Unorderable) return '';
    throw error;
  }
}

/** Django's `dictsort`: the items sorted by a key (`"name"`, `"author.age"`, or an index); "" when keys cannot be compared. */
export function dictsort(value: unknown, arg: unknown): unknown {
  return sortBy(value, arg, false);
}

export function dictsortreversed(value: unknown, arg: unknown): unknown {
  return sortBy(value, arg, true);
}

/** Django's `slice`: Python's slice syntax (`":2"`, `"1:-1"`, `"::2"`); a bare number is the stop. */
export function slice(value: unknown, arg: unknown): unknown {
  let bits: Array<number | null>;
  try {
    bits = str(arg).split(':').map((bit) => (bit === '' ? null : pyInt(bit)));
    if (bits.length > 3) return value;
  } catch (error) {
    if (error instanceof PythonError) return value;
    throw error;
  }
  const [start, stop, step] = bits.length === 1 ? [null, bits[0]!, null] : [bits[0] ?? null, bits[1] ?? null, bits[2] ?? null];
  try {
    if (Array.isArray(value)) return pySlice(value, start, stop, step);
    if (typeof value === 'string' || value instanceof SafeString) {
      const out = pySlice(Array.from(str(value)), start, stop, step).join('');
      return value instanceof SafeString ? new SafeString(out) : out;
    }
  } catch (error) {
    if (error instanceof PythonError) return value;
    throw error;
  }
  return value;
}
