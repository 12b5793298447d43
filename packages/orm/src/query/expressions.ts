import { FieldError } from '../errors';
import type { AggregateFunction, ExprNode, ScalarFunction } from './nodes';
import type { QObject } from './q';

/** Adds the values of an expression to the query's args and returns its node. */
export interface NodeBuilder {
  arg(value: unknown): number;
  group(q: QObject<any>): import('./nodes').Group;
}

/** Something computed by the database: a column reference, a value, arithmetic, an aggregate. */
export abstract class Expression<T = unknown> {
  declare readonly __result: T;
  abstract toNode(builder: NodeBuilder): ExprNode;
  /** True when it contains an aggregate (decides GROUP BY / HAVING). */
  get containsAggregate(): boolean {
    return false;
  }

  add(other: unknown): Combined {
    return new Combined('+', this, other);
  }
  sub(other: unknown): Combined {
    return new Combined('-', this, other);
  }
  mul(other: unknown): Combined {
    return new Combined('*', this, other);
  }
  div(other: unknown): Combined {
    return new Combined('/', this, other);
  }
  mod(other: unknown): Combined {
    return new Combined('%', this, other);
  }
  /** For orderBy(): ascending, optionally with NULLs first or last. */
  asc(options: { nullsFirst?: boolean; nullsLast?: boolean } = {}): OrderBy {
    return new OrderBy(this, false, options);
  }
  desc(options: { nullsFirst?: boolean; nullsLast?: boolean } = {}): OrderBy {
    return new OrderBy(this, true, options);
  }
}

const asExpression = (value: unknown): Expression => (value instanceof Expression ? value : new ValueExpression(value));

/** A reference to a field (or annotation) of the row: `F('views')`, `F('author__name')`. */
export class FExpression extends Expression {
  constructor(readonly name: string) {
    super();
    if (typeof name !== 'string' || !name) throw new FieldError(`F() needs a field name; got ${JSON.stringify(name)}.`);
  }
  toNode(): ExprNode {
    return { t: 'f', path: this.name };
  }
}

/** Django's F(): refer to another column of the same row, in filters, updates, annotations and ordering. */
export function F(name: string): FExpression {
  return new FExpression(name);
}

export class ValueExpression<T = unknown> extends Expression<T> {
  constructor(readonly value: T) {
    super();
  }
  toNode(builder: NodeBuilder): ExprNode {
    return { t: 'v', arg: builder.arg(this.value) };
  }
}

/** A literal value inside an expression; always sent as a bound parameter. */
export function Value<T>(value: T): ValueExpression<T> {
  return new ValueExpression(value);
}

export class Combined extends Expression<number> {
  private readonly lhs: Expression;
  private readonly rhs: Expression;
  constructor(readonly op: '+' | '-' | '*' | '/' | '%', lhs: unknown, rhs: unknown) {
    super();
    this.lhs = asExpression(lhs);
    this.rhs = asExpression(rhs);
  }
  override get containsAggregate(): boolean {
    return this.lhs.containsAggregate || this.rhs.containsAggregate;
  }
  toNode(builder: NodeBuilder): ExprNode {
    return { t: 'o', op: this.op, l: this.lhs.toNode(builder), r: this.rhs.toNode(builder) };
  }
}

export interface AggregateOptions {
  distinct?: boolean;
  /** Only rows matching this Q are aggregated (Django's `filter=`). */
  filter?: QObject<any>;
}

export class Aggregate<T = number> extends Expression<T> {
  private readonly source: Expression | null;
  constructor(readonly fn: AggregateFunction, source: string | Expression | null, readonly options: AggregateOptions = {}) {
    super();
    this.source = source === null || source === '*' ? null : typeof source === 'string' ? new FExpression(source) : source;
  }
  override get containsAggregate(): boolean {
    return true;
  }
  /** The field name the aggregate reads, when it reads one directly. */
  get sourceName(): string | undefined {
    return this.source instanceof FExpression ? this.source.name : undefined;
  }
  toNode(builder: NodeBuilder): ExprNode {
    return {
      t: 'a',
      fn: this.fn,
      src: this.source ? this.source.toNode(builder) : null,
      distinct: this.options.distinct ?? false,
      filter: this.options.filter ? builder.group(this.options.filter) : null,
    };
  }
}

export const Count = (source: string | Expression = '*', options?: AggregateOptions): Aggregate<number> => new Aggregate('COUNT', source, options);
export const Sum = <T = number>(source: string | Expression, options?: AggregateOptions): Aggregate<T | null> => new Aggregate('SUM', source, options);
export const Avg = (source: string | Expression, options?: AggregateOptions): Aggregate<number | null> => new Aggregate('AVG', source, options);
export const Min = <T = number>(source: string | Expression, options?: AggregateOptions): Aggregate<T | null> => new Aggregate('MIN', source, options);
export const Max = <T = number>(source: string | Expression, options?: AggregateOptions): Aggregate<T | null> => new Aggregate('MAX', source, options);

export class Func<T = unknown> extends Expression<T> {
  private readonly args: Expression[];
  constructor(readonly fn: ScalarFunction, args: unknown[]) {
    super();
    this.args = args.map((a) => (typeof a === 'string' ? new FExpression(a) : asExpression(a)));
  }
  override get containsAggregate(): boolean {
    return this.args.some((a) => a.containsAggregate);
  }
  toNode(builder: NodeBuilder): ExprNode {
    return { t: 'fn', fn: this.fn, args: this.args.map((a) => a.toNode(builder)) };
  }
}

export const Lower = (field: string | Expression): Func<string> => new Func('LOWER', [field]);
export const Upper = (field: string | Expression): Func<string> => new Func('UPPER', [field]);
export const Length = (field: string | Expression): Func<number> => new Func('LENGTH', [field]);
export const Abs = (field: string | Expression): Func<number> => new Func('ABS', [field]);
/** The first non-null argument; strings are field names, use Value() for literals. */
export const Coalesce = <T = unknown>(...args: Array<string | Expression>): Func<T> => new Func('COALESCE', args);

/** An ordering: `F('publishedAt').desc({ nullsLast: true })`. */
export class OrderBy {
  constructor(
    readonly expression: Expression,
    readonly descending: boolean,
    readonly options: { nullsFirst?: boolean; nullsLast?: boolean } = {},
  ) {}
}
