import { ImproperlyConfigured } from '../errors/exceptions';
import type { ViewFunction } from '../views/types';
import type { Converter } from './converters';
import type { UrlEntry } from './patterns';
import type { ResolverMatch } from './resolver-match';
import { escapeRegex, parseRoute, type RoutePart, spansSegments } from './route-parser';

/** One pattern after flattening includes: its full route, view, name and namespaces. */
export interface CompiledRoute {
  readonly route: string;
  readonly parts: readonly RoutePart[];
  readonly view: ViewFunction;
  readonly name: string | undefined;
  readonly namespaces: readonly string[];
  /** `namespaces` joined with ":", computed once. */
  readonly namespace: string;
  readonly viewName: string | undefined;
  readonly defaults: Record<string, unknown>;
  /** Parameter names, in order, with their converters. */
  readonly params: ReadonlyArray<readonly [string, Converter]>;
}

interface SegmentEdge {
  readonly source: string;
  readonly regex: RegExp;
  /** The segment is exactly one converter: check it and take the segment, no match array. */
  readonly whole: ((segment: string) => boolean) | undefined;
  readonly params: ReadonlyArray<readonly [string, Converter]>;
  readonly node: RouteNode;
}

interface RestEdge {
  readonly regex: RegExp;
  readonly params: ReadonlyArray<readonly [string, Converter]>;
  readonly route: CompiledRoute;
}

/** A node of the segment tree: literal children by text, then converter edges, then "rest of path" edges. */
class RouteNode {
  literal: Map<string, RouteNode> | undefined;
  dynamic: SegmentEdge[] | undefined;
  rest: RestEdge[] | undefined;
  route: CompiledRoute | undefined;
}

/**
 * The compiled URL configuration. Routes compile once into a tree keyed by
 * path segment, with a hash map for fully static paths, so resolving a path
 * costs a few map lookups instead of a scan over every pattern.
 *
 * Precedence: a literal segment beats a converter, converters are tried in
 * the order the patterns were declared, and the first declared of two
 * identical routes wins.
 */
export class UrlResolver {
  readonly routes: readonly CompiledRoute[];
  /** Fully static paths (with their leading "/") → a shared, frozen match. */
  private readonly staticRoutes = new Map<string, ResolverMatch>();
  private readonly root = new RouteNode();
  private readonly byName = new Map<string, CompiledRoute[]>();

  constructor(entries: readonly UrlEntry[]) {
    const routes: CompiledRoute[] = [];
    flatten(entries, '', [], [], {}, routes);
    this.routes = routes;
    for (const route of routes) {
      this.insert(route);
      if (route.viewName) push(this.byName, route.viewName, route);
    }
  }

  /** Resolve a decoded path (`/articles/3/`); null when nothing matches. */
  resolve(path: string): ResolverMatch | null {
    const fixed = this.staticRoutes.get(path);
    if (fixed) return fixed;
    const values: unknown[] = [];
    const route = matchNode(this.root, path, path.charCodeAt(0) === 47 ? 1 : 0, values);
    if (!route) return null;
    const params: Record<string, unknown> = {};
    const names = route.params;
    for (let i = 0; i < names.length; i++) params[names[i]![0]] = values[i];
    return toMatch(route, params);
  }

  /** Named routes, for `reverse()`. */
  named(viewName: string): readonly CompiledRoute[] | undefined {
    return this.byName.get(viewName);
  }

  get names(): IterableIterator<string> {
    return this.byName.keys();
  }

  private insert(route: CompiledRoute): void {
    if (route.params.length === 0 && !this.staticRoutes.has(`/${route.route}`)) {
      // one match object per static route, frozen so a view cannot leak changes into later requests
      const match = toMatch(route, {});
      Object.freeze(match.params);
      this.staticRoutes.set(`/${route.route}`, Object.freeze(match));
    }
    const segments = splitSegments(route.parts);
    let node = this.root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (segment.some((p) => 'converter' in p && spansSegments(p.converter))) {
        const restParts = segments.slice(i).flatMap((s, j) => (j === 0 ? s : [{ literal: '/' }, ...s]));
        const { source, params } = toRegex(restParts);
        (node.rest ??= []).push({ regex: new RegExp(`^${source}$`, 's'), params, route });
        return;
      }
      if (segment.length === 1 && 'literal' in segment[0]!) {
        const text = segment[0].literal;
        node.literal ??= new Map();
        let child = node.literal.get(text);
        if (!child) node.literal.set(text, (child = new RouteNode()));
        node = child;
      } else if (segment.length === 0) {
        node.literal ??= new Map();
        let child = node.literal.get('');
        if (!child) node.literal.set('', (child = new RouteNode()));
        node = child;
      } else {
        const { source, params } = toRegex(segment);
        node.dynamic ??= [];
        let edge = node.dynamic.find((e) => e.source === source && sameParams(e.params, params));
        if (!edge) {
          const regex = new RegExp(`^${source}$`);
          const only = segment.length === 1 ? params[0]![1] : undefined;
          const whole = only ? (only.test ? only.test.bind(only) : (text: string) => regex.test(text)) : undefined;
          edge = { source, regex, whole, params, node: new RouteNode() };
          node.dynamic.push(edge);
        }
        node = edge.node;
      }
    }
    node.route ??= route;
  }
}

/**
 * Match the segment of `path` starting at `start` (segments are walked in
 * place, without splitting the path into an array), backtracking on failure.
 */
function matchNode(node: RouteNode, path: string, start: number, values: unknown[]): CompiledRoute | undefined {
  if (start > path.length) return node.route;
  let end = path.indexOf('/', start);
  if (end === -1) end = path.length;
  const segment = path.slice(start, end);
  const next = end + 1;
  const literal = node.literal?.get(segment);
  if (literal) {
    const found = matchNode(literal, path, next, values);
    if (found) return found;
  }
  if (node.dynamic) {
    for (const edge of node.dynamic) {
      const depth = values.length;
      if (edge.whole) {
        if (!edge.whole(segment) || !convertOne(edge.params[0]![1], segment, values)) continue;
      } else {
        const m = edge.regex.exec(segment);
        if (!m || !convertInto(edge.params, m, values)) continue;
      }
      const found = matchNode(edge.node, path, next, values);
      if (found) return found;
      values.length = depth;
    }
  }
  if (node.rest) {
    const remaining = path.slice(start);
    for (const edge of node.rest) {
      const m = edge.regex.exec(remaining);
      if (!m) continue;
      const depth = values.length;
      if (convertInto(edge.params, m, values)) return edge.route;
      values.length = depth;
    }
  }
  return undefined;
}

function convertOne(converter: Converter, text: string, values: unknown[]): boolean {
  try {
    values.push(converter.toValue(text));
    return true;
  } catch {
    return false;
  }
}

/** Convert captured groups; a converter that throws means "this pattern does not match". */
function convertInto(params: ReadonlyArray<readonly [string, Converter]>, match: RegExpExecArray, values: unknown[]): boolean {
  const depth = values.length;
  for (let i = 0; i < params.length; i++) {
    try {
      values.push(params[i]![1].toValue(match[i + 1]!));
    } catch {
      values.length = depth;
      return false;
    }
  }
  return true;
}

function toMatch(route: CompiledRoute, params: Record<string, unknown>): ResolverMatch {
  const all = route.defaults === EMPTY ? params : { ...route.defaults, ...params };
  return {
    view: route.view,
    params: all,
    route: route.route,
    urlName: route.name,
    namespaces: route.namespaces,
    namespace: route.namespace,
    viewName: route.viewName,
  };
}

const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

function flatten(entries: readonly UrlEntry[], prefix: string, namespaces: string[], appNames: string[], defaults: Record<string, unknown>, out: CompiledRoute[]): void {
  if (!Array.isArray(entries)) throw new ImproperlyConfigured(`URL patterns must be a list; got ${typeof entries}.`);
  for (const entry of entries) {
    if (!entry || (entry.kind !== 'pattern' && entry.kind !== 'include')) {
      throw new ImproperlyConfigured(`Each URL pattern must come from path(); found ${JSON.stringify(entry)} under ${JSON.stringify(prefix || '/')}.`);
    }
    const route = prefix + entry.route;
    const merged = Object.keys(entry.defaults).length ? { ...defaults, ...entry.defaults } : defaults;
    if (entry.kind === 'include') {
      if (entry.namespace && namespaces.includes(entry.namespace)) {
        throw new ImproperlyConfigured(`URL namespace ${JSON.stringify(entry.namespace)} is used twice in one chain of includes.`);
      }
      flatten(entry.patterns, route, entry.namespace ? [...namespaces, entry.namespace] : namespaces, entry.appName ? [...appNames, entry.appName] : appNames, merged, out);
      continue;
    }
    const parts = parseRoute(route);
    const params = parts.flatMap((p) => ('converter' in p ? [[p.name, p.converter] as const] : []));
    const viewName = entry.name === undefined ? undefined : [...namespaces, entry.name].join(':');
    out.push({ route, parts, view: entry.view, name: entry.name, namespaces, namespace: namespaces.join(':'), viewName, defaults: Object.keys(merged).length ? merged : EMPTY, params });
  }
}

/** Split route parts at "/" into per-segment lists. */
function splitSegments(parts: readonly RoutePart[]): RoutePart[][] {
  const segments: RoutePart[][] = [[]];
  for (const part of parts) {
    if ('converter' in part) {
      segments[segments.length - 1]!.push(part);
      continue;
    }
    const pieces = part.literal.split('/');
    pieces.forEach((piece, i) => {
      if (i > 0) segments.push([]);
      if (piece) segments[segments.length - 1]!.push({ literal: piece });
    });
  }
  return segments;
}

function toRegex(parts: readonly RoutePart[]): { source: string; params: Array<readonly [string, Converter]> } {
  let source = '';
  const params: Array<readonly [string, Converter]> = [];
  for (const part of parts) {
    if ('converter' in part) {
      source += `(${part.converter.regex})`;
      params.push([part.name, part.converter]);
    } else {
      source += escapeRegex(part.literal);
    }
  }
  return { source, params };
}

function sameParams(a: ReadonlyArray<readonly [string, Converter]>, b: ReadonlyArray<readonly [string, Converter]>): boolean {
  return a.length === b.length && a.every(([name, conv], i) => name === b[i]![0] && conv === b[i]![1]);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
