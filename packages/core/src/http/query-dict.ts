import { MultiValueDict } from './multi-value-dict';
import { TooManyFieldsSent } from '../errors/exceptions';

/**
 * The parsed query string or urlencoded form: Django's QueryDict. Immutable,
 * like the QueryDicts Django hands to views.
 */
export class QueryDict extends MultiValueDict<string> {
  /** Parse `a=1&b=2&a=3` (`+` is a space; invalid %-escapes decode to U+FFFD, as Django does). */
  static parse(query: string, maxFields: number | null = null): QueryDict {
    const dict = new QueryDict();
    if (query.length === 0) return dict;
    let count = 0;
    let start = 0;
    while (start <= query.length) {
      let end = query.indexOf('&', start);
      if (end === -1) end = query.length;
      if (end > start) {
        if (maxFields !== null && ++count > maxFields) throw new TooManyFieldsSent(maxFields);
        const pair = query.slice(start, end);
        const eq = pair.indexOf('=');
        const key = eq === -1 ? pair : pair.slice(0, eq);
        const value = eq === -1 ? '' : pair.slice(eq + 1);
        dict.appendValue(decodeFormComponent(key), decodeFormComponent(value));
      }
      start = end + 1;
    }
    return dict;
  }

  /** Build from an object such as `{ q: 'x', tag: ['a', 'b'] }`. */
  static fromObject(data: Record<string, unknown>): QueryDict {
    const dict = new QueryDict();
    for (const [key, value] of Object.entries(data)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) dict.appendValue(key, item === null ? '' : String(item));
    }
    return dict;
  }

  /** Serialise back to `a=1&b=2` (Django's `urlencode()`). */
  urlencode(): string {
    const parts: string[] = [];
    for (const [key, value] of this) parts.push(`${encodeFormComponent(key)}=${encodeFormComponent(value)}`);
    return parts.join('&');
  }

  /** A copy with some keys replaced: handy for pagination links (`?page=2` keeping the filters). */
  with(changes: Record<string, string | number | null | undefined | Array<string | number>>): QueryDict {
    const copy = new QueryDict(this);
    for (const [key, value] of Object.entries(changes)) {
      copy.lists.delete(key);
      if (value === null || value === undefined) continue;
      copy.lists.set(key, (Array.isArray(value) ? value : [value]).map(String));
    }
    return copy;
  }
}

export function decodeFormComponent(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return decodeLenient(spaced);
  }
}

/** Decode what can be decoded; malformed escapes and bytes become U+FFFD. */
function decodeLenient(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export function encodeFormComponent(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+');
}
