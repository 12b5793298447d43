import type { UrlResolver } from './resolver';

/** `reverse()` found no route for the name and parameters given. */
export class NoReverseMatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoReverseMatch';
  }
}

export interface ReverseOptions {
  /** Query parameters to append (`?page=2`). */
  query?: Record<string, string | number | boolean | ReadonlyArray<string | number>> | URLSearchParams;
  /** Prefix for apps mounted under a path (defaults to FORCE_SCRIPT_NAME). */
  scriptName?: string | null;
}

// Django quotes reversed URLs keeping RFC 3986 sub-delims and "/~:@" literal.
const KEEP = /%(21|24|26|27|28|29|2A|2B|2C|3B|3D|2F|7E|3A|40)/gi;

function quote(text: string): string {
  return encodeURIComponent(text).replace(KEEP, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Build the URL of a named route: `reverseWith(resolver, 'blog:detail', { id: 3 })`.
 * Each parameter is converted with its converter's `toUrl()` and must match
 * the converter's pattern; otherwise NoReverseMatch names what was tried.
 */
export function reverseWith(resolver: UrlResolver, viewName: string, params: Record<string, unknown> = {}, options: ReverseOptions = {}): string {
  const candidates = resolver.named(viewName);
  if (!candidates) {
    throw new NoReverseMatch(`Reverse for '${viewName}' not found. '${viewName}' is not a valid view function or pattern name.${suggest(resolver, viewName)}`);
  }
  const given = Object.keys(params).filter((k) => params[k] !== undefined);
  for (const route of candidates) {
    const needed = route.params.map(([name]) => name);
    const extra = given.filter((k) => !needed.includes(k) && !(k in route.defaults && route.defaults[k] === params[k]));
    if (extra.length || needed.some((n) => !given.includes(n))) continue;
    let url = '';
    let ok = true;
    for (const part of route.parts) {
      if ('literal' in part) {
        url += quote(part.literal);
        continue;
      }
      let text: string;
      try {
        text = part.converter.toUrl(params[part.name]);
      } catch {
        ok = false;
        break;
      }
      if (!new RegExp(`^(?:${part.converter.regex})$`, 's').test(text)) {
        ok = false;
        break;
      }
      url += quote(text);
    }
    if (!ok) continue;
    const prefix = (options.scriptName ?? '').replace(/\/+$/, '');
    return `${prefix}/${url}${queryString(options.query)}`;
  }
  const tried = candidates.map((r) => `'${r.route}'`).join(', ');
  const shown = given.length ? ` with parameters ${JSON.stringify(params)}` : ' with no parameters';
  throw new NoReverseMatch(`Reverse for '${viewName}'${shown} not found. ${candidates.length} pattern(s) tried: [${tried}]`);
}

function queryString(query: ReverseOptions['query']): string {
  if (!query) return '';
  const search = query instanceof URLSearchParams ? query : new URLSearchParams();
  if (!(query instanceof URLSearchParams)) {
    for (const [key, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function suggest(resolver: UrlResolver, viewName: string): string {
  const close = [...resolver.names].filter((n) => editDistance(n, viewName) <= 2);
  return close.length ? ` Did you mean ${close.slice(0, 5).map((n) => `'${n}'`).join(', ')}?` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
