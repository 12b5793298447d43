import { createHash } from 'node:crypto';
import { stringify } from '../html/escape';

/**
 * A vary-on value as text. Plain objects and arrays are taken by content
 * (String() would give every object the same "[object Object]", so different
 * objects would share one cached fragment).
 */
function part(value: unknown): string {
  if (typeof value === 'object' && value !== null && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
  return stringify(value);
}

/**
 * Django's `make_template_fragment_key`: the key a cached template fragment is
 * stored under, from its name and the values it varies on. The template
 * package's `cache()` helper and the cache package's fragment API both use it,
 * so `cache.delete(makeTemplateFragmentKey('sidebar', [user.id]))` invalidates
 * what a template cached.
 */
export function makeTemplateFragmentKey(fragmentName: string, varyOn: readonly unknown[] = []): string {
  const hash = createHash('md5');
  for (const value of varyOn) hash.update(`${part(value)}:`);
  return `template.cache.${fragmentName}.${hash.digest('hex')}`;
}
