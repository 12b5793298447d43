import { ImproperlyConfigured } from '../errors/exceptions';
import { type Converter, getConverter } from './converters';

/** A piece of a route: literal text, or a `<converter:name>` placeholder. */
export type RoutePart = { literal: string } | { name: string; converterName: string; converter: Converter };

const PLACEHOLDER = /<([^<>]*)>/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Split a route into literals and placeholders, rejecting malformed ones at start-up. */
export function parseRoute(route: string): RoutePart[] {
  const parts: RoutePart[] = [];
  let last = 0;
  for (const match of route.matchAll(PLACEHOLDER)) {
    if (match.index! > last) parts.push({ literal: route.slice(last, match.index) });
    const spec = match[1]!;
    if (/\s/.test(spec)) throw new ImproperlyConfigured(`URL route ${JSON.stringify(route)} cannot contain whitespace in angle brackets <…>.`);
    const colon = spec.indexOf(':');
    const converterName = colon === -1 ? 'str' : spec.slice(0, colon);
    const name = colon === -1 ? spec : spec.slice(colon + 1);
    if (!IDENTIFIER.test(name)) {
      throw new ImproperlyConfigured(`URL route ${JSON.stringify(route)} uses parameter name ${JSON.stringify(name)}, which isn't a valid identifier.`);
    }
    parts.push({ name, converterName, converter: getConverter(converterName, route) });
    last = match.index! + match[0].length;
  }
  if (last < route.length) parts.push({ literal: route.slice(last) });
  for (const part of parts) {
    if ('literal' in part && /[<>]/.test(part.literal)) throw new ImproperlyConfigured(`URL route ${JSON.stringify(route)} has an unbalanced < or >.`);
  }
  const names = parts.flatMap((p) => ('name' in p ? [p.name] : []));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ImproperlyConfigured(`URL route ${JSON.stringify(route)} uses the parameter ${JSON.stringify(dup)} twice.`);
  return parts;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a converter can match text containing "/" (like `path`), which stops per-segment matching. */
export function spansSegments(converter: Converter): boolean {
  return new RegExp(`^(?:${converter.regex})$`).test('a/b');
}
