import type { AnyModel, FilterArgs } from '../models/types';

type Child = readonly [string, unknown] | QObject<any>;

/**
 * Django's Q object: conditions combined with `and()`, `or()` and `not()`
 * (Python's `&`, `|`, `~`). `Q<typeof Article>({ … })` checks the keys at
 * compile time; untyped `Q({ … })` is checked when the query compiles.
 */
export class QObject<M extends AnyModel = any> {
  constructor(
    readonly connector: 'AND' | 'OR',
    readonly negated: boolean,
    readonly children: readonly Child[],
  ) {}

  and(other: QObject<M>): QObject<M> {
    return combine(this, other, 'AND');
  }

  or(other: QObject<M>): QObject<M> {
    return combine(this, other, 'OR');
  }

  /** Negation (Python's `~Q(...)`). */
  not(): QObject<M> {
    return new QObject<M>(this.connector, !this.negated, this.children);
  }

  get isEmpty(): boolean {
    return this.children.length === 0;
  }
}

function combine(a: QObject<any>, b: QObject<any>, connector: 'AND' | 'OR'): QObject<any> {
  if (b.isEmpty) return a;
  if (a.isEmpty) return b;
  return new QObject(connector, false, [a, b]);
}

export type Q<M extends AnyModel = any> = QObject<M>;

type QArgs<M extends AnyModel> = [M] extends [never] ? Record<string, unknown> : FilterArgs<M>;

/** `Q({ title__icontains: 'x' }).or(Q({ views__gt: 100 }))`. */
export function Q<M extends AnyModel = never>(input?: QArgs<M>): QObject<M> {
  let args: unknown = input;
  if (args === undefined) args = {};
  if (args === null || typeof args !== 'object' || Array.isArray(args)) throw new TypeError(`Q() takes an object of lookups, like Q({ title__icontains: 'x' }); got ${JSON.stringify(args)}.`);
  return new QObject<M>('AND', false, Object.entries(args as Record<string, unknown>).map(([k, v]) => [k, v] as const));
}
