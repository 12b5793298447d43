import type { ViewFunction } from '../views/types';

/** What URL resolution found: Django's `request.resolver_match`. */
export interface ResolverMatch {
  readonly view: ViewFunction;
  /** Converted URL parameters plus the pattern's defaults. */
  readonly params: Record<string, unknown>;
  /** The full route that matched, e.g. `blog/<int:id>/`. */
  readonly route: string;
  /** The pattern's name, if any. */
  readonly urlName: string | undefined;
  /** Namespaces from outermost to innermost. */
  readonly namespaces: readonly string[];
  /** `namespaces` joined with ":". */
  readonly namespace: string;
  /** `namespace:urlName`, what `reverse()` takes. */
  readonly viewName: string | undefined;
}
