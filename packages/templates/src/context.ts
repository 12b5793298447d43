/**
 * Copy `source`'s own enumerable properties onto `target` without reading its getters: a getter
 * stays a getter. Context processors hand templates lazy values (security's `csrfToken` creates a
 * token, and so a cookie, only when a template reads it; `cspNonce` likewise), and `Object.assign`
 * or a spread would read every one of them on every render, which also makes pages uncacheable.
 * A copied getter gets a setter, so a later source (the view's context) can still override it.
 */
export function mergeContext<T extends object>(target: T, source: object | null | undefined): T {
  if (source == null) return target;
  for (const key of Object.keys(source)) {
    const descriptor = Object.getOwnPropertyDescriptor(source, key)!;
    if (descriptor.get) Object.defineProperty(target, key, overridableGetter(key, descriptor.get));
    else (target as Record<string, unknown>)[key] = descriptor.value;
  }
  return target;
}

function overridableGetter(key: string, get: () => unknown): PropertyDescriptor {
  return {
    get,
    set(this: object, value: unknown) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
    enumerable: true,
    configurable: true,
  };
}
