/**
 * The immutable description of a query (Kysely-style operation nodes). A
 * QuerySet holds one; each method returns a copy with one part changed.
 * Values never live in the nodes: they are appended to `args`, and nodes hold
 * their index. `shape` strings describe everything except the values, so
 * queries of the same shape share one compiled statement.
 */
import type { AnyModel } from '../models/types';

/** One `key: value` condition, e.g. `author__name__iexact`. */
export interface Cond {
  readonly t: 'c';
  readonly key: string;
  /** v: a value; n: null (IS NULL); a: an array of `n` values (in/range); b: a boolean (isnull); e: an expression; s: a subquery. */
  readonly kind: 'v' | 'n' | 'a' | 'b' | 'e' | 's';
  readonly arg: number;
  readonly n: number;
  readonly bool?: boolean;
  readonly expr?: ExprNode;
  readonly sub?: QueryState;
  /** Where the subquery's args start in the outer args. */
  readonly subBase?: number;
}

/** AND/OR of conditions, possibly negated (a Q object, or one filter()/exclude() call). */
export interface Group {
  readonly t: 'g';
  readonly conn: 'AND' | 'OR';
  readonly neg: boolean;
  readonly children: ReadonlyArray<Cond | Group>;
  /** Order of the filter()/annotate() call it came from: decides which joins it shares. */
  readonly seq: number;
}

export type ExprNode =
  | { readonly t: 'f'; readonly path: string }
  | { readonly t: 'v'; readonly arg: number }
  | { readonly t: 'o'; readonly op: '+' | '-' | '*' | '/' | '%'; readonly l: ExprNode; readonly r: ExprNode }
  | { readonly t: 'a'; readonly fn: AggregateFunction; readonly src: ExprNode | null; readonly distinct: boolean; readonly filter: Group | null }
  | { readonly t: 'fn'; readonly fn: ScalarFunction; readonly args: readonly ExprNode[] };

export type AggregateFunction = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';
export type ScalarFunction = 'LOWER' | 'UPPER' | 'LENGTH' | 'COALESCE' | 'ABS';

export interface Annotation {
  readonly name: string;
  readonly node: ExprNode;
  readonly aggregate: boolean;
  readonly seq: number;
}

export interface OrderItem {
  readonly node: ExprNode | 'random';
  readonly desc: boolean;
  readonly nulls?: 'first' | 'last';
}

export interface ValuesSpec {
  readonly kind: 'dict' | 'list' | 'flat';
  /** Empty: every concrete field. */
  readonly fields: readonly string[];
}

export interface PrefetchSpec {
  readonly path: string;
  /** A custom queryset for the related objects (Prefetch('x', { queryset })). */
  readonly queryset?: unknown;
  /** Store the list under this attribute instead of the manager's cache. */
  readonly toAttr?: string;
}

export interface QueryState {
  readonly model: AnyModel;
  readonly where: Group | null;
  readonly args: readonly unknown[];
  readonly seq: number;
  /** null: the model's default ordering. */
  readonly order: readonly OrderItem[] | null;
  readonly low: number;
  readonly high: number | null;
  readonly distinct: boolean;
  readonly related: readonly string[];
  readonly prefetch: readonly PrefetchSpec[];
  readonly only: readonly string[] | null;
  readonly defer: readonly string[];
  readonly annotations: readonly Annotation[];
  readonly values: ValuesSpec | null;
  readonly forUpdate: { readonly nowait?: boolean; readonly skipLocked?: boolean; readonly of?: readonly string[] } | null;
  readonly none: boolean;
  /** Memoised shape (everything but values). */
  shape?: string;
}

export function initialState(model: AnyModel): QueryState {
  return {
    model,
    where: null,
    args: [],
    seq: 0,
    order: null,
    low: 0,
    high: null,
    distinct: false,
    related: [],
    prefetch: [],
    only: null,
    defer: [],
    annotations: [],
    values: null,
    forUpdate: null,
    none: false,
  };
}

// ------------------------------------------------------------------ shapes

const str = (s: string): string => `${s.length}:${s}`;

export function exprShape(node: ExprNode): string {
  switch (node.t) {
    case 'f':
      return `F${str(node.path)}`;
    case 'v':
      return 'V';
    case 'o':
      return `(${exprShape(node.l)}${node.op}${exprShape(node.r)})`;
    case 'a':
      return `${node.fn}${node.distinct ? 'D' : ''}(${node.src ? exprShape(node.src) : '*'}${node.filter ? `|${groupShape(node.filter)}` : ''})`;
    case 'fn':
      return `${node.fn}(${node.args.map(exprShape).join(',')})`;
  }
}

function condShape(c: Cond): string {
  switch (c.kind) {
    case 'a':
      return `${str(c.key)}a${c.n}`;
    case 'b':
      return `${str(c.key)}b${c.bool ? 1 : 0}`;
    case 'e':
      return `${str(c.key)}e${exprShape(c.expr!)}`;
    case 's':
      return `${str(c.key)}s{${stateShape(c.sub!)}}`;
    default:
      return str(c.key) + c.kind;
  }
}

export function groupShape(g: Group): string {
  let out = `${g.conn === 'AND' ? '&' : '|'}${g.neg ? '!' : ''}${g.seq}(`;
  for (let i = 0; i < g.children.length; i++) {
    const child = g.children[i]!;
    if (i) out += ',';
    out += child.t === 'c' ? condShape(child) : groupShape(child);
  }
  return `${out})`;
}

function orderShape(items: readonly OrderItem[] | null): string {
  if (items === null) return 'd';
  return items.map((o) => (o.node === 'random' ? '?' : `${o.desc ? '-' : '+'}${o.nulls ?? ''}${exprShape(o.node)}`)).join(',');
}

/** Everything about a query except its values and its LIMIT/OFFSET numbers. */
export function stateShape(s: QueryState): string {
  if (s.shape !== undefined) return s.shape;
  let shape = s.where ? groupShape(s.where) : '';
  shape += `|o${orderShape(s.order)}|l${s.low > 0 ? 1 : 0}${s.high !== null ? 1 : 0}`;
  if (s.distinct) shape += '|D';
  if (s.related.length) shape += `|r${s.related.join(',')}`;
  if (s.only) shape += `|O${s.only.join(',')}`;
  if (s.defer.length) shape += `|X${s.defer.join(',')}`;
  if (s.annotations.length) shape += `|A${s.annotations.map((a) => `${str(a.name)}${a.seq}=${exprShape(a.node)}`).join(',')}`;
  if (s.values) shape += `|v${s.values.kind}${s.values.fields.map(str).join('')}`;
  if (s.forUpdate) shape += `|U${s.forUpdate.nowait ? 'n' : ''}${s.forUpdate.skipLocked ? 's' : ''}${(s.forUpdate.of ?? []).join(',')}`;
  (s as { shape?: string }).shape = shape;
  return shape;
}
