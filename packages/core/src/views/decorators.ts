import { MethodNotAllowed } from '../errors/exceptions';
import type { ViewFunction } from './types';

/**
 * Django's `require_http_methods`: the view answers only these methods;
 * anything else is a 405 with an Allow header listing them.
 */
export function requireHttpMethods(methods: readonly string[]) {
  const allowed = methods.map((m) => m.toUpperCase());
  const set = new Set(allowed);
  return <V extends ViewFunction>(view: V): V & { allowedMethods: readonly string[] } => {
    const wrapped = ((request, params) => {
      if (!set.has(request.method)) throw new MethodNotAllowed(request.method, allowed);
      return view(request, params);
    }) as V;
    return Object.assign(wrapped, view, { allowedMethods: allowed as readonly string[] });
  };
}

/** Only GET. */
export const requireGET = requireHttpMethods(['GET']);
/** Only POST. */
export const requirePOST = requireHttpMethods(['POST']);
/** Only GET and HEAD (Django's `require_safe`). */
export const requireSafe = requireHttpMethods(['GET', 'HEAD']);
