/**
 * Copy `source`'s own enumerable properties onto `target` without reading them: a getter stays a
 * getter. Context processors hand templates lazy values (security's `csrfToken` creates a token,
 * and so a cookie, only when a template reads it; `cspNonce` likewise), and `Object.assign` or a
 * spread would read every one of them on every render, which also makes pages uncacheable.
 * Copied properties stay writable and configurable, so a later source can override them.
 */
export function mergeContext<T extends object>(target: T, source: object | null | undefined): T {
  if (source == null) return target;
  const descriptors = Object.getOwnPropertyDescriptors(source);
  for (const key of Object.keys(descriptors)) {
    const descriptor = descriptors[key]!;
    if (!descriptor.enumerable) continue;
    descriptor.configurable = true;
    if (!descriptor.get && !descriptor.set) descriptor.writable = true;
    Object.defineProperty(target, key, descriptor);
  }
  return target;
}
