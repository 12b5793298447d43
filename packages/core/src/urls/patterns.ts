import { ImproperlyConfigured } from '../errors/exceptions';
import type { ViewFunction } from '../views/types';
import type { ConverterTypes } from './converters';

type ConverterValue<C extends string> = C extends keyof ConverterTypes ? ConverterTypes[C] : unknown;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ParamsOfRoute<R extends string> = R extends `${string}<${infer Spec}>${infer Rest}`
  ? (Spec extends `${infer C}:${infer N}` ? { [K in N]: ConverterValue<C> } : { [K in Spec]: string }) & ParamsOfRoute<Rest>
  : unknown;

/** The parameters a route passes to its view: `ParamsOf<'a/<int:id>/'>` is `{ id: number }`. */
export type ParamsOf<R extends string> = Simplify<ParamsOfRoute<R>>;

export interface PathOptions {
  /** The name for `reverse()` and `url()` in templates. */
  name?: string;
  /** Extra parameters passed to the view (Django's `kwargs`). */
  defaults?: Record<string, unknown>;
}

/** A route to a view. */
export interface UrlPattern {
  readonly kind: 'pattern';
  readonly route: string;
  readonly view: ViewFunction;
  readonly name: string | undefined;
  readonly defaults: Record<string, unknown>;
}

/** A route prefix in front of a list of patterns, optionally namespaced. */
export interface UrlInclude {
  readonly kind: 'include';
  readonly route: string;
  readonly patterns: readonly UrlEntry[];
  readonly namespace: string | undefined;
  readonly appName: string | undefined;
  readonly defaults: Record<string, unknown>;
}

export type UrlEntry = UrlPattern | UrlInclude;

/** What `include()` returns, to pass to `path()`. */
export interface Included {
  readonly kind: 'included';
  readonly patterns: readonly UrlEntry[];
  readonly namespace: string | undefined;
  readonly appName: string | undefined;
}

/** A module of URL patterns that names its application (Django's `app_name`). */
export interface UrlModule {
  appName?: string;
  urlpatterns: readonly UrlEntry[];
}

/**
 * Django's `path()`: `path('articles/<int:id>/', articleDetail, { name: 'detail' })`
 * or `path('blog/', include(blogUrls, { namespace: 'blog' }))`.
 * The view's parameters are typed from the route.
 */
export function path<R extends string>(route: R, view: ViewFunction<ParamsOf<R>>, options?: PathOptions): UrlPattern;
export function path(route: string, included: Included, options?: Pick<PathOptions, 'defaults'>): UrlInclude;
export function path(route: string, target: ViewFunction | Included, options: PathOptions = {}): UrlEntry {
  if (typeof route !== 'string') throw new ImproperlyConfigured(`path() route must be a string; got ${typeof route}.`);
  if (route.startsWith('/')) {
    throw new ImproperlyConfigured(`URL route ${JSON.stringify(route)} starts with "/"; Django-style routes have no leading slash (write ${JSON.stringify(route.replace(/^\/+/, ''))}).`);
  }
  const defaults = options.defaults ?? {};
  if (typeof target === 'function') {
    return { kind: 'pattern', route, view: target, name: options.name, defaults };
  }
  if (target && target.kind === 'included') {
    if (options.name) throw new ImproperlyConfigured(`path(${JSON.stringify(route)}, include(...)) cannot have a name; name the included patterns instead.`);
    return { kind: 'include', route, patterns: target.patterns, namespace: target.namespace, appName: target.appName, defaults };
  }
  throw new ImproperlyConfigured(`path(${JSON.stringify(route)}, …): the view must be a function (or View.asView()) or include(...); got ${describe(target)}.`);
}

/**
 * Django's `include()`: mount a list of patterns (or a module with
 * `urlpatterns` and `appName`) under a prefix, optionally in a namespace.
 */
export function include(patterns: readonly UrlEntry[] | UrlModule, options: { namespace?: string; appName?: string } = {}): Included {
  const list = Array.isArray(patterns) ? (patterns as readonly UrlEntry[]) : (patterns as UrlModule).urlpatterns;
  const appName = options.appName ?? (Array.isArray(patterns) ? undefined : (patterns as UrlModule).appName);
  if (!Array.isArray(list)) throw new ImproperlyConfigured(`include() expects a list of URL patterns or a module with urlpatterns; got ${describe(patterns)}.`);
  return { kind: 'included', patterns: list, namespace: options.namespace ?? appName, appName };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
