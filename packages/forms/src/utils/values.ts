/** Django's EMPTY_VALUES: None, '', [], (), {} — plus undefined, which is JavaScript's "not sent". */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const _ in value) return false;
    return true;
  }
  return false;
}

/** Value equality for hasChanged(): dates by time, arrays by items, plain objects by JSON. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) return stableJson(a) === stableJson(b);
  return false;
}

/** JSON with sorted keys, so `{a, b}` and `{b, a}` compare equal (Django's sort_keys=True). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

const prettyNames = new Map<string, string>();

/** Django's pretty_name(): `first_name` → `First name`, `firstName` → `First name` (computed once per name). */
export function prettyName(name: string): string {
  let pretty = prettyNames.get(name);
  if (pretty === undefined) {
    pretty = computePrettyName(name);
    prettyNames.set(name, pretty);
  }
  return pretty;
}

function computePrettyName(name: string): string {
  if (!name) return '';
  const spaced = name.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, (_m, a: string, b: string) => `${a} ${b.toLowerCase()}`);
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** The string a value shows as in a widget (Django's str()). */
export function toText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}
