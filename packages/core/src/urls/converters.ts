import { ImproperlyConfigured } from '../errors/exceptions';

/**
 * A path converter, as in Django: `regex` says what the URL segment looks
 * like, `toValue` turns the text into the view's parameter (throw to make the
 * URL not match), `toUrl` turns a value back into text for `reverse()`.
 */
export interface Converter<T = unknown> {
  /** A regular expression source without anchors or capturing groups. */
  readonly regex: string;
  /**
   * Optional fast check equivalent to `regex` on a whole path segment (no "/").
   * The built-ins use a character loop instead of a regular expression.
   */
  test?(segment: string): boolean;
  toValue(text: string): T;
  toUrl(value: T): string;
}

/**
 * The parameter type each converter produces. Add your own converters' types
 * by declaration merging so route parameters stay typed:
 * `declare module '@manouche/core' { interface ConverterTypes { year: number } }`
 */
export interface ConverterTypes {
  int: number;
  str: string;
  slug: string;
  uuid: string;
  path: string;
}

const identity = {
  toValue: (text: string): string => text,
  toUrl: (value: unknown): string => String(value),
};

/** Every character of a non-empty `text` satisfies `ok(charCode)`. */
function allChars(text: string, ok: (c: number) => boolean): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!ok(text.charCodeAt(i))) return false;
  return true;
}
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isSlugChar = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 45 || c === 95;

const builtins: Record<string, Converter> = {
  int: {
    regex: '[0-9]+',
    test: (segment) => allChars(segment, isDigit),
    toValue(text: string): number {
      const n = Number(text);
      if (!Number.isSafeInteger(n)) throw new RangeError(`${text} is too large for an int converter`);
      return n;
    },
    toUrl: (value: unknown) => String(value),
  },
  str: { regex: '[^/]+', test: (segment) => segment.length > 0, ...identity },
  slug: { regex: '[-a-zA-Z0-9_]+', test: (segment) => allChars(segment, isSlugChar), ...identity },
  uuid: { regex: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', ...identity },
  path: { regex: '.+', ...identity },
};

const registry = new Map<string, Converter>(Object.entries(builtins));

/** Django's register_converter(): make `<name:param>` usable in routes. */
export function registerConverter<K extends string>(name: K, converter: Converter<K extends keyof ConverterTypes ? ConverterTypes[K] : unknown>): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ImproperlyConfigured(`Converter name ${JSON.stringify(name)} is not a valid identifier.`);
  if (registry.has(name)) throw new ImproperlyConfigured(`A converter named ${JSON.stringify(name)} is already registered.`);
  try {
    new RegExp(converter.regex);
  } catch (error) {
    throw new ImproperlyConfigured(`Converter ${name} has an invalid regex ${JSON.stringify(converter.regex)}: ${(error as Error).message}`);
  }
  registry.set(name, converter as Converter);
}

export function getConverter(name: string, route: string): Converter {
  const converter = registry.get(name);
  if (!converter) {
    throw new ImproperlyConfigured(`URL route ${JSON.stringify(route)} uses invalid converter ${JSON.stringify(name)}; known converters: ${[...registry.keys()].join(', ')}.`);
  }
  return converter;
}
