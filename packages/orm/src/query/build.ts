import { FieldError } from '../errors';
import type { ModelMeta } from '../models/meta';
import { Expression, type NodeBuilder } from './expressions';
import type { Cond, Group, QueryState } from './nodes';
import { QObject } from './q';

/** Present on QuerySets: lets the builder take a queryset as a value (`id__in: qs`) without importing the class. */
export const QUERY_STATE = Symbol('manouche.orm.queryState');

export interface HasQueryState {
  readonly [QUERY_STATE]: QueryState;
}

function isQuerySet(value: unknown): value is HasQueryState {
  return value !== null && typeof value === 'object' && QUERY_STATE in value;
}

/** A builder that appends values to `args`. */
export function nodeBuilder(meta: ModelMeta, args: unknown[], seq: number): NodeBuilder {
  const builder: NodeBuilder = {
    arg(value: unknown): number {
      return args.push(value) - 1;
    },
    group(q: QObject<any>): Group {
      return buildGroup(meta, q, args, seq);
    },
  };
  return builder;
}

/** One `key: value` pair → a condition node, its value appended to `args`. */
export function condFor(meta: ModelMeta, key: string, value: unknown, args: unknown[], seq: number): Cond {
  if (typeof key !== 'string' || key === '') throw new FieldError(`A lookup key must be a non-empty string; got ${JSON.stringify(key)}.`);
  if (value === undefined) throw new FieldError(`The value for ${JSON.stringify(key)} is undefined (use null to match NULL).`);
  if (key.endsWith('__isnull')) {
    if (typeof value !== 'boolean') throw new FieldError(`The isnull lookup in ${JSON.stringify(key)} needs true or false; got ${JSON.stringify(value)}.`);
    return { t: 'c', key, kind: 'b', arg: -1, n: 0, bool: value };
  }
  if (value === null) return { t: 'c', key, kind: 'n', arg: -1, n: 0 };
  if (value instanceof Expression) return { t: 'c', key, kind: 'e', arg: -1, n: 0, expr: value.toNode(nodeBuilder(meta, args, seq)) };
  if (isQuerySet(value)) {
    const sub = value[QUERY_STATE];
    const subBase = args.length;
    args.push(...sub.args);
    return { t: 'c', key, kind: 's', arg: -1, n: 0, sub, subBase };
  }
  if ((key.endsWith('__in') || key.endsWith('__range')) && (Array.isArray(value) || value instanceof Set)) {
    const list = [...(value as Iterable<unknown>)];
    return { t: 'c', key, kind: 'a', arg: args.push(list) - 1, n: list.length };
  }
  return { t: 'c', key, kind: 'v', arg: args.push(value) - 1, n: 0 };
}

/** A Q object (or plain lookups) → a group node. */
export function buildGroup(meta: ModelMeta, q: QObject<any> | Record<string, unknown>, args: unknown[], seq: number): Group {
  if (q instanceof QObject) {
    const children = q.children.map((child) => (child instanceof QObject ? buildGroup(meta, child, args, seq) : condFor(meta, child[0], child[1], args, seq)));
    return { t: 'g', conn: q.connector, neg: q.negated, children, seq };
  }
  if (q === null || typeof q !== 'object' || Array.isArray(q)) {
    throw new FieldError(`filter()/exclude() take objects of lookups or Q objects, like filter({ title__icontains: 'x' }); got ${JSON.stringify(q)}.`);
  }
  return { t: 'g', conn: 'AND', neg: false, children: Object.entries(q).map(([k, v]) => condFor(meta, k, v, args, seq)), seq };
}
