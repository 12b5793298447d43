import { resolveDatabase } from '../db/connections';
import type { Database } from '../db/database';
import { FieldError, MultipleObjectsReturned, ObjectDoesNotExist } from '../errors';
import type { AnyField } from '../fields/base';
import { ForeignKey } from '../fields/related';
import { isModelInstance } from '../models/symbols';
import type {
  AnyModel,
  CreateInput,
  FieldPath,
  FilterArgs,
  InstanceOf,
  OrderKey,
  PkValue,
  UpdateInput,
  ValueAt,
  ValuesAll,
  ValuesRow,
  ValuesTuple,
} from '../models/types';
import { type MaybePromise, then, toPromise } from '../util';
import { buildGroup, nodeBuilder, QUERY_STATE } from './build';
import { JoinRequired } from './compiler';
import { Collector, type DeleteResult } from './deletion';
import { type Aggregate, Expression, FExpression, OrderBy } from './expressions';
import { bind, checkLazyLoad, count, exists, explainSql, fetch, prepare, type Prepared, type PreparedAggregate } from './execute';
import { type Cond, type ExprNode, exprShape, type Group, initialState, type OrderItem, type PrefetchSpec, type QueryState, stateShape } from './nodes';
import { prefetchRelatedObjects } from './prefetch';
import type { QObject } from './q';
import { bulkCreate, bulkUpdate, type BulkCreateOptions, saveInstance } from './writes';

/** How many rows get() fetches at most, to say "more than one" without loading a huge result (Django's MAX_GET_RESULTS). */
const MAX_GET_RESULTS = 21;

type Lookups<M extends AnyModel, A> = FilterArgs<M, A> | QObject<M> | QObject<never>;
type ExpressionResults<T> = { [K in keyof T]: T[K] extends Expression<infer V> ? V : never };

/** `Prefetch('articles', { queryset: Article.objects.filter(…), toAttr: 'published' })`. */
export class Prefetch {
  constructor(
    readonly lookup: string,
    readonly options: { queryset?: QuerySet<any, any, any>; toAttr?: string } = {},
  ) {}
}

/**
 * Django's QuerySet: lazy, chainable and immutable — every method returns a
 * new QuerySet, nothing runs until it is awaited or iterated (`await qs`,
 * `for await (const a of qs)`), and an evaluated QuerySet keeps its rows.
 * Each query shape compiles to SQL once per database; values are always
 * bound parameters.
 */
export class QuerySet<in out M extends AnyModel, in out R = InstanceOf<M>, in out A = {}> implements PromiseLike<R[]>, AsyncIterable<R> {
  readonly model: M;
  protected readonly state: QueryState;
  protected readonly database: Database | undefined;
  private resultCache: R[] | undefined;
  /** Set by related managers: the object this lazy query loads a relation for. */
  private lazyOrigin: { instance: object; relation: string } | undefined;

  constructor(model: M, state?: QueryState, database?: Database) {
    this.model = model;
    this.state = state ?? initialState(model);
    this.database = database;
  }

  get [QUERY_STATE](): QueryState {
    return this.state;
  }

  /** The database this QuerySet runs on (`.using()`, else the default). */
  get db(): Database {
    return this.database ?? resolveDatabase();
  }

  protected clone<R2 = R, A2 = A>(patch: Partial<QueryState>): QuerySet<M, R2, A2> {
    const Ctor = this.constructor as new (model: M, state: QueryState, database?: Database) => QuerySet<M, R2, A2>;
    const next = new Ctor(this.model, { ...this.state, ...patch, shape: undefined }, this.database);
    next.lazyOrigin = this.lazyOrigin;
    return next;
  }

  /** Internal: mark this queryset as the lazy load of `relation` for `instance` (strict N+1 mode). */
  lazyFor(instance: object, relation: string): this {
    this.lazyOrigin = { instance, relation };
    return this;
  }

  /** Internal: a queryset whose rows are already known (prefetched). */
  withResults(rows: R[]): this {
    this.resultCache = rows;
    return this;
  }

  // ------------------------------------------------------------------ chaining

  all(): QuerySet<M, R, A> {
    return this.clone({});
  }

  private withWhere(args: readonly unknown[], negate: boolean): QuerySet<M, R, A> {
    this.assertFilterable();
    const state = this.state;
    const seq = state.seq + 1;
    const newArgs = [...state.args];
    const meta = this.model._meta;
    const children = args.map((a) => buildGroup(meta, a as Record<string, unknown>, newArgs, seq));
    if (children.length === 0) return this.clone({});
    const group = { t: 'g' as const, conn: 'AND' as const, neg: negate, children, seq };
    const root = state.where ?? { t: 'g' as const, conn: 'AND' as const, neg: false, children: [], seq: 0 };
    return this.clone({ where: { ...root, children: [...root.children, group] }, args: newArgs, seq });
  }

  /** Rows matching all the lookups: `filter({ title__icontains: 'x', author: ann })`, `filter(Q(…).or(Q(…)))`. */
  filter(...args: Array<Lookups<M, A>>): QuerySet<M, R, A> {
    return this.withWhere(args, false);
  }

  /** Rows not matching the lookups (all of them together). */
  exclude(...args: Array<Lookups<M, A>>): QuerySet<M, R, A> {
    return this.withWhere(args, true);
  }

  /** `orderBy('-publishedAt', 'title')`, `orderBy(F('views').desc())`, `orderBy('?')`; no arguments clears the ordering. */
  orderBy(...fields: Array<OrderKey<M, A> | OrderBy | Expression>): QuerySet<M, R, A> {
    this.assertFilterable('reorder');
    const builderArgs = [...this.state.args];
    const builder = nodeBuilder(this.model._meta, builderArgs, this.state.seq);
    const order: OrderItem[] = fields.map((f) => {
      if (f instanceof OrderBy) {
        const nulls = f.options.nullsFirst ? 'first' : f.options.nullsLast ? 'last' : undefined;
        return { node: f.expression.toNode(builder), desc: f.descending, nulls };
      }
      if (f instanceof Expression) return { node: f.toNode(builder), desc: false };
      if (typeof f !== 'string' || !f) throw new FieldError(`orderBy() takes field names, '-name', '?' or F() expressions; got ${JSON.stringify(f)}.`);
      if (f === '?') return { node: 'random' as const, desc: false };
      const desc = f.startsWith('-');
      return { node: { t: 'f' as const, path: desc ? f.slice(1) : f.replace(/^\+/, '') }, desc };
    });
    return this.clone({ order, args: builderArgs });
  }

  /** Reverse the ordering (the model's default ordering when none was given). */
  reverse(): QuerySet<M, R, A> {
    const items: readonly OrderItem[] = this.state.order ?? this.model._meta.ordering.map((name) => (name === '?' ? { node: 'random' as const, desc: false } : { node: { t: 'f' as const, path: name.replace(/^-/, '') }, desc: name.startsWith('-') }));
    const order = (items.length ? items : [{ node: { t: 'f' as const, path: 'pk' }, desc: false }]).map((o) => ({ ...o, desc: !o.desc, nulls: o.nulls === 'first' ? ('last' as const) : o.nulls === 'last' ? ('first' as const) : undefined }));
    return this.clone({ order });
  }

  distinct(): QuerySet<M, R, A> {
    return this.clone({ distinct: true });
  }

  /** Python's `qs[start:end]`: LIMIT/OFFSET (negative indexes are not supported, as in Django). */
  slice(start: number, end?: number): QuerySet<M, R, A> {
    if (!Number.isSafeInteger(start) || start < 0 || (end !== undefined && (!Number.isSafeInteger(end) || end < 0))) {
      throw new RangeError(`slice() takes non-negative integers; got (${JSON.stringify(start)}, ${JSON.stringify(end)}).`);
    }
    const { low, high } = this.state;
    const newLow = Math.min(low + start, high ?? Infinity);
    let newHigh = end === undefined ? high : low + end;
    if (high !== null && newHigh !== null) newHigh = Math.min(newHigh, high);
    if (newHigh !== null && newHigh < newLow) newHigh = newLow;
    return this.clone({ low: newLow, high: newHigh });
  }

  /** Rows as objects with only these keys (`values('title', 'author__name')`); no arguments: every field. */
  values(): QuerySet<M, ValuesAll<M> & A, A>;
  values<K extends Array<FieldPath<M> | (keyof A & string)>>(...fields: K): QuerySet<M, ValuesRow<M, K, A>, A>;
  values(...fields: string[]): QuerySet<M, any, A> {
    return this.clone({ values: { kind: 'dict', fields: this.checkNames(fields, 'values') } });
  }

  /** Rows as arrays (`valuesList('id', 'title')`), or single values with `{ flat: true }`. */
  valuesList<K extends FieldPath<M> | (keyof A & string)>(field: K, options: { flat: true }): QuerySet<M, K extends keyof A ? A[K] : ValueAt<M, K>, A>;
  valuesList<K extends Array<FieldPath<M> | (keyof A & string)>>(...fields: K): QuerySet<M, ValuesTuple<M, K, A>, A>;
  valuesList(...input: Array<string | { flat: boolean }>): QuerySet<M, any, A> {
    const last = input[input.length - 1];
    const flat = typeof last === 'object' && last !== null && (last as { flat?: boolean }).flat === true;
    const fields = input.filter((f): f is string => typeof f === 'string');
    if (flat && fields.length !== 1) throw new FieldError(`valuesList(…, { flat: true }) takes exactly one field; got ${fields.length}.`);
    return this.clone({ values: { kind: flat ? 'flat' : 'list', fields: this.checkNames(fields, 'valuesList') } });
  }

  private checkNames(fields: unknown[], method: string): string[] {
    for (const f of fields) if (typeof f !== 'string' || !f) throw new FieldError(`${method}() takes field names; got ${JSON.stringify(f)}.`);
    return fields as string[];
  }

  /** Add computed columns: `annotate({ numComments: Count('comments') })`. */
  annotate<T extends Record<string, Expression<any>>>(annotations: T): QuerySet<M, R & ExpressionResults<T>, A & ExpressionResults<T>> {
    const seq = this.state.seq + 1;
    const args = [...this.state.args];
    const builder = nodeBuilder(this.model._meta, args, seq);
    const meta = this.model._meta;
    const added = Object.entries(annotations).map(([name, expression]) => {
      if (!/^[A-Za-z_$][\w$]*$/.test(name) || name.includes('__')) throw new FieldError(`Annotation name ${JSON.stringify(name)} must be an identifier without "__".`);
      if (meta.fieldMap.has(name) || meta.reverseMap.has(name)) throw new FieldError(`The annotation ${JSON.stringify(name)} conflicts with a field on ${meta.label}.`);
      if (!(expression instanceof Expression)) throw new FieldError(`annotate({ ${name} }) needs an expression such as Count('x') or F('y'); got ${JSON.stringify(expression)}.`);
      return { name, node: expression.toNode(builder), aggregate: expression.containsAggregate, seq };
    });
    const existing = this.state.annotations.filter((a) => !added.some((b) => b.name === a.name));
    // values('a').annotate({ n }) groups by `a` and returns n with it (Django's GROUP BY idiom)
    const values = this.state.values;
    const patched = values && values.fields.length ? { ...values, fields: [...values.fields, ...added.map((a) => a.name).filter((n) => !values.fields.includes(n))] } : values;
    return this.clone({ annotations: [...existing, ...added], args, seq, values: patched });
  }

  /** Load these forward relations in the same query (JOIN): `selectRelated('author', 'author__profile')`. No arguments: every non-null foreign key. */
  selectRelated(...paths: string[]): QuerySet<M, R, A> {
    for (const p of paths) if (typeof p !== 'string' || !p) throw new FieldError(`selectRelated() takes relation names; got ${JSON.stringify(p)}.`);
    return this.clone({ related: paths.length ? [...new Set([...this.state.related.filter((r) => r !== '*'), ...paths])] : ['*'] });
  }

  /** Load relations with one extra query each after the main one: `prefetchRelated('tags', 'comments__author')`. */
  prefetchRelated(...lookups: Array<string | Prefetch>): QuerySet<M, R, A> {
    const specs: PrefetchSpec[] = lookups.map((l) => {
      if (l instanceof Prefetch) return { path: l.lookup, queryset: l.options.queryset, toAttr: l.options.toAttr };
      if (typeof l !== 'string' || !l) throw new FieldError(`prefetchRelated() takes relation names or Prefetch objects; got ${JSON.stringify(l)}.`);
      return { path: l };
    });
    return this.clone({ prefetch: [...this.state.prefetch, ...specs] });
  }

  /** Load only these fields (the primary key always comes too). */
  only(...fields: string[]): QuerySet<M, R, A> {
    return this.clone({ only: this.checkNames(fields, 'only'), defer: [] });
  }

  /** Load every field but these. */
  defer(...fields: string[]): QuerySet<M, R, A> {
    return this.clone({ defer: [...this.state.defer, ...this.checkNames(fields, 'defer')] });
  }

  /** Lock the selected rows until the transaction ends (`SELECT … FOR UPDATE`); needs atomic(). SQLite locks the whole database in a write transaction instead. */
  selectForUpdate(options: { nowait?: boolean; skipLocked?: boolean; of?: string[] } = {}): QuerySet<M, R, A> {
    if (options.nowait && options.skipLocked) throw new FieldError('selectForUpdate() takes nowait or skipLocked, not both.');
    return this.clone({ forUpdate: options });
  }

  /** Run on another database (an alias or a Database). */
  using(database: Database | string): QuerySet<M, R, A> {
    const Ctor = this.constructor as new (model: M, state: QueryState, database?: Database) => QuerySet<M, R, A>;
    return new Ctor(this.model, this.state, resolveDatabase(database));
  }

  /** An empty queryset that runs no query. */
  none(): QuerySet<M, R, A> {
    return this.clone({ none: true });
  }

  private assertFilterable(action = 'filter'): void {
    if (this.state.low > 0 || this.state.high !== null) throw new FieldError(`Cannot ${action} a query once a slice has been taken.`);
  }

  // ------------------------------------------------------------------ evaluation

  private checkLazy(): void {
    if (this.lazyOrigin) checkLazyLoad(this.lazyOrigin.instance, this.lazyOrigin.relation, () => explainSql(this.db, this.state).sql);
  }

  private run(): MaybePromise<R[]> {
    if (this.state.none) return [];
    this.checkLazy();
    const db = this.db;
    const rows = fetch(db, this.state) as MaybePromise<R[]>;
    if (this.state.prefetch.length === 0 || this.state.values) return rows;
    return then(rows, async (list) => {
      await prefetchRelatedObjects(list as object[], this.state.prefetch, db);
      return list;
    });
  }

  /** Evaluate (once) and return the rows. */
  fetchAll(): Promise<R[]> {
    if (this.resultCache !== undefined) return Promise.resolve(this.resultCache);
    return toPromise(() =>
      then(this.run(), (rows) => {
        this.resultCache = rows;
        return rows;
      }),
    );
  }

  then<T1 = R[], T2 = never>(onfulfilled?: ((value: R[]) => T1 | PromiseLike<T1>) | null, onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null): Promise<T1 | T2> {
    return this.fetchAll().then(onfulfilled, onrejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<R> {
    yield* await this.fetchAll();
  }

  /**
   * Stream the rows in chunks without keeping them all (Django's
   * `iterator()`): keyset pagination on the primary key when the query is
   * ordered by it (or not ordered), LIMIT/OFFSET chunks otherwise.
   * `prefetchRelated` runs per chunk.
   */
  async *iterator(options: { chunkSize?: number } = {}): AsyncGenerator<R, void, undefined> {
    const chunkSize = options.chunkSize ?? 2000;
    if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) throw new RangeError(`iterator({ chunkSize }) needs a positive integer; got ${JSON.stringify(chunkSize)}.`);
    if (this.state.none) return;
    const pk = this.model._meta.pk;
    const order = this.state.order ?? this.model._meta.ordering.map((o) => ({ node: { t: 'f' as const, path: o.replace(/^-/, '') }, desc: o.startsWith('-') }));
    const byPk = order.length === 0 || (order.length === 1 && order[0]!.node !== 'random' && order[0]!.node.t === 'f' && (order[0]!.node.path === 'pk' || order[0]!.node.path === pk.name) && !order[0]!.desc);
    const { low, high } = this.state;
    let taken = 0;
    const limit = high === null ? Infinity : high - low;
    if (byPk && !this.state.values && low === 0 && !this.state.distinct) {
      let base: QuerySet<M, R, A> = this.clone({ low: 0, high: null }).orderBy('pk' as OrderKey<M, A>);
      let last: unknown;
      while (taken < limit) {
        const page = last === undefined ? base : base.filter({ pk__gt: last } as never);
        const rows = await page.slice(0, Math.min(chunkSize, limit - taken)).fetchAll();
        if (rows.length === 0) return;
        for (const row of rows) yield row;
        taken += rows.length;
        if (rows.length < chunkSize) return;
        last = (rows[rows.length - 1] as Record<string, unknown>)[pk.attname];
        base = this.clone({ low: 0, high: null }).orderBy('pk' as OrderKey<M, A>);
      }
      return;
    }
    let offset = 0;
    while (taken < limit) {
      const rows = await this.slice(offset, offset + Math.min(chunkSize, limit - taken)).fetchAll();
      for (const row of rows) yield row;
      taken += rows.length;
      offset += rows.length;
      if (rows.length < chunkSize) return;
    }
  }

  /** Number of rows (`SELECT COUNT(*)`; uses the rows already loaded if evaluated). */
  count(): Promise<number> {
    if (this.resultCache !== undefined) return Promise.resolve(this.resultCache.length);
    if (this.state.none) return Promise.resolve(0);
    return toPromise(() => count(this.db, this.state));
  }

  exists(): Promise<boolean> {
    if (this.resultCache !== undefined) return Promise.resolve(this.resultCache.length > 0);
    if (this.state.none) return Promise.resolve(false);
    return toPromise(() => exists(this.db, this.state));
  }

  /** The one row matching (DoesNotExist / MultipleObjectsReturned otherwise). */
  get(...args: Array<Lookups<M, A>>): Promise<R> {
    return toPromise(() => {
      let qs: QuerySet<M, R, A> = args.length ? this.filter(...args) : this;
      const { low, high } = qs.state;
      // ordering never changes which single row matches; dropping it keeps the query lean
      if (qs.state.order === null || qs.state.order.length) qs = qs.clone({ order: [] });
      if ((high === null || high - low > MAX_GET_RESULTS) && !pinsUniqueRow(qs.state)) qs = qs.clone({ high: low + MAX_GET_RESULTS });
      return then(qs.run(), (rows) => {
        if (rows.length === 1) return rows[0]!;
        const meta = this.model._meta;
        if (rows.length === 0) throw new (this.model.DoesNotExist as new (m: string) => ObjectDoesNotExist)(`${meta.modelName} matching query does not exist.`);
        throw new (this.model.MultipleObjectsReturned as new (m: string) => MultipleObjectsReturned)(
          `get() returned more than one ${meta.modelName} -- it returned ${rows.length === MAX_GET_RESULTS ? `more than ${MAX_GET_RESULTS - 1}` : rows.length}!`,
        );
      });
    });
  }

  /** The first row by the ordering (by primary key when unordered), or null. */
  first(): Promise<R | null> {
    const ordered = this.state.order !== null ? this.state.order.length > 0 : this.model._meta.ordering.length > 0;
    const qs = ordered ? this : this.orderBy('pk' as OrderKey<M, A>);
    return qs.slice(0, 1).fetchAll().then((rows) => rows[0] ?? null);
  }

  /** The last row by the ordering (by primary key when unordered), or null. */
  last(): Promise<R | null> {
    const ordered = this.state.order !== null ? this.state.order.length > 0 : this.model._meta.ordering.length > 0;
    const qs = ordered ? this.reverse() : this.orderBy('-pk' as OrderKey<M, A>);
    return qs.slice(0, 1).fetchAll().then((rows) => rows[0] ?? null);
  }

  /** The row at this index (Python's `qs[i]`), or undefined. */
  at(index: number): Promise<R | undefined> {
    return this.slice(index, index + 1).fetchAll().then((rows) => rows[0]);
  }

  /** Objects by primary key (or another unique field): a Map from key to object. */
  inBulk(ids?: ReadonlyArray<PkValue<M>>): Promise<Map<PkValue<M>, R>>;
  inBulk<K extends FieldPath<M>>(ids: ReadonlyArray<ValueAt<M, K>> | undefined, options: { fieldName: K }): Promise<Map<ValueAt<M, K>, R>>;
  async inBulk(ids?: readonly unknown[], options: { fieldName?: string } = {}): Promise<Map<unknown, R>> {
    const meta = this.model._meta;
    const field = options.fieldName ? meta.getField(options.fieldName) : meta.pk;
    if (!field.unique) throw new FieldError(`inBulk()'s fieldName must be a unique field; ${JSON.stringify(field.name)} is not.`);
    if (ids !== undefined && ids.length === 0) return new Map();
    const key = field.attname;
    let qs: QuerySet<M, R, A> = this;
    if (ids !== undefined) {
      const rows: R[] = [];
      // batches keep each IN list well under every backend's parameter limit
      for (let i = 0; i < ids.length; i += 1000) rows.push(...(await this.filter({ [`${field.name}__in`]: ids.slice(i, i + 1000) } as never).fetchAll()));
      return new Map(rows.map((row) => [(row as Record<string, unknown>)[key], row]));
    }
    qs = this.all();
    const rows = await qs.fetchAll();
    return new Map(rows.map((row) => [(row as Record<string, unknown>)[key], row]));
  }

  /** One row of aggregates over the query: `aggregate({ total: Sum('views'), n: Count('id') })`. */
  aggregate<T extends Record<string, Aggregate<any>>>(aggregates: T): Promise<{ [K in keyof T]: T[K] extends Expression<infer V> ? V : never }> {
    return toPromise(() => {
      if (this.state.none) {
        const out: Record<string, unknown> = {};
        for (const [name, agg] of Object.entries(aggregates)) out[name] = agg.fn === 'COUNT' ? 0 : null;
        return out as never;
      }
      const entries = Object.entries(aggregates);
      if (entries.length === 0) throw new FieldError('aggregate() needs at least one aggregate, like aggregate({ n: Count("id") }).');
      const args = [...this.state.args];
      const builder = nodeBuilder(this.model._meta, args, this.state.seq + 1);
      const nodes = entries.map(([name, agg]) => {
        if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new FieldError(`Aggregate name ${JSON.stringify(name)} must be an identifier.`);
        if (!(agg instanceof Expression) || !agg.containsAggregate) throw new FieldError(`aggregate({ ${name} }) needs Count, Sum, Avg, Min or Max.`);
        return { name, node: agg.toNode(builder) as ExprNode };
      });
      const state: QueryState = { ...this.state, args, shape: undefined };
      const db = this.db;
      const kind = `G${nodes.map((n) => `${n.name.length}:${n.name}=${exprShape(n.node)}`).join(',')}|`;
      const prepared = prepare<PreparedAggregate>(db, state, kind, (c) => ({ ...c.compileAggregate(nodes), names: nodes.map((n) => n.name) }));
      return then(db.selectRows(prepared.statement, bind(prepared, args, state.low, state.high)), (rows) => {
        const row = rows[0] ?? [];
        const out: Record<string, unknown> = {};
        prepared.names.forEach((name, i) => {
          const value = row[i] ?? null;
          const conv = prepared.converters[i];
          out[name] = value === null ? (entries[i]![1].fn === 'COUNT' ? 0 : null) : conv ? conv(value) : value;
        });
        return out as never;
      });
    });
  }

  /** The SQL and parameters this QuerySet runs (Django's `str(qs.query)`), for debugging. */
  sql(): { sql: string; params: unknown[] } {
    return explainSql(this.db, this.state);
  }

  // ------------------------------------------------------------------ writes

  /** Create and save an object. */
  async create(values: CreateInput<M>): Promise<InstanceOf<M>> {
    const instance = new this.model(values);
    await saveInstance(instance as object, { forceInsert: true, using: this.db });
    return instance as InstanceOf<M>;
  }

  /** Get the object matching `lookups`, or create it with `lookups` + `defaults`. Returns `[object, created]`. */
  async getOrCreate(lookups: FilterArgs<M, A>, defaults: Partial<CreateInput<M>> = {}): Promise<[InstanceOf<M>, boolean]> {
    const qs = this.asModels();
    try {
      return [await qs.get(lookups), false];
    } catch (error) {
      if (!(error instanceof this.model.DoesNotExist)) throw error;
    }
    const db = this.db;
    try {
      // a savepoint, so a concurrent insert's IntegrityError leaves an outer transaction usable
      return await db.atomic(async () => [await this.create({ ...plainLookups(lookups), ...defaults } as CreateInput<M>), true] as [InstanceOf<M>, boolean]);
    } catch (error) {
      // lost a race with another insert: the row exists now
      try {
        return [await qs.get(lookups), false];
      } catch {
        throw error;
      }
    }
  }

  /** Update the object matching `lookups` with `defaults`, or create it. Returns `[object, created]`. */
  async updateOrCreate(lookups: FilterArgs<M, A>, defaults: Partial<CreateInput<M>> = {}, createDefaults?: Partial<CreateInput<M>>): Promise<[InstanceOf<M>, boolean]> {
    const db = this.db;
    return db.atomic(async () => {
      const found = await this.asModels().selectForUpdate().filter(lookups).first();
      if (!found) {
        const [obj, created] = await this.getOrCreate(lookups, createDefaults ?? defaults);
        if (created) return [obj, true] as [InstanceOf<M>, boolean];
        Object.assign(obj as object, defaults);
        await saveInstance(obj as object, { using: db, updateFields: Object.keys(defaults) });
        return [obj, false] as [InstanceOf<M>, boolean];
      }
      Object.assign(found as object, defaults);
      await saveInstance(found as object, { using: db, updateFields: Object.keys(defaults).length ? Object.keys(defaults) : undefined });
      return [found, false] as [InstanceOf<M>, boolean];
    });
  }

  private asModels(): QuerySet<M, InstanceOf<M>, A> {
    return this.clone<InstanceOf<M>, A>({ values: null });
  }

  /** Insert many objects in few statements; primary keys are set on them where the backend returns them. */
  bulkCreate(objects: ReadonlyArray<InstanceOf<M> | CreateInput<M>>, options: BulkCreateOptions = {}): Promise<Array<InstanceOf<M>>> {
    const instances = objects.map((o) => (isModelInstance(o) ? o : new this.model(o as CreateInput<M>))) as Array<InstanceOf<M>>;
    return bulkCreate(this.model, instances as object[], this.db, options).then(() => instances);
  }

  /** Save these fields of many objects in few statements; returns the number of rows updated. */
  bulkUpdate(objects: ReadonlyArray<InstanceOf<M>>, fields: ReadonlyArray<FieldPath<M>>, options: { batchSize?: number } = {}): Promise<number> {
    return bulkUpdate(this.model, objects as unknown as object[], fields as string[], this.db, options);
  }

  /** `UPDATE` every matching row; values may be F() expressions. Returns the number of rows matched. */
  async update(values: UpdateInput<M>): Promise<number> {
    this.assertFilterable('update');
    const meta = this.model._meta;
    const entries = Object.entries(values as Record<string, unknown>);
    if (entries.length === 0) throw new FieldError('update() needs at least one field to set.');
    const args = [...this.state.args];
    const builder = nodeBuilder(meta, args, this.state.seq);
    const assignments = entries.map(([name, value]) => {
      const field = meta.fieldMap.get(name);
      if (!field || !field.concrete) throw new FieldError(`update(): ${meta.label} has no concrete field ${JSON.stringify(name)}. ${choices(meta.concreteFields)}`);
      if (field.primaryKey && field.dbGenerated) throw new FieldError(`update() cannot set the automatic primary key ${JSON.stringify(name)}.`);
      if (value instanceof Expression) return { field, value: { expr: value.toNode(builder) }, shape: `${name}=${exprShape(value.toNode(nodeBuilder(meta, [], 0)))}` };
      if (value === undefined) throw new FieldError(`update(): the value for ${JSON.stringify(name)} is undefined.`);
      const stored = field instanceof ForeignKey && isModelInstance(value) ? value[field.targetField.attname] : value;
      return { field, value: { arg: args.push(stored) - 1 }, shape: `${name}=v` };
    });
    if (this.state.none) return 0;
    const db = this.db;
    const state: QueryState = { ...this.state, args, order: [], shape: undefined };
    try {
      const prepared = prepare<Prepared>(db, state, `U${assignments.map((a) => a.shape).join(',')}|`, (c) => c.compileUpdate(assignments));
      const result = await db.write(prepared.statement, bind(prepared, args, 0, null), false);
      return result.rowCount;
    } catch (error) {
      if (!(error instanceof JoinRequired)) throw error;
    }
    // the filter needs joins, which UPDATE cannot take everywhere: update by primary key instead
    const pks = await this.clone<unknown>({ values: { kind: 'flat', fields: ['pk'] }, order: [] }).fetchAll();
    let total = 0;
    for (let i = 0; i < pks.length; i += 1000) {
      total += await new QuerySet(this.model, undefined, db).filter({ pk__in: pks.slice(i, i + 1000) } as never).update(values);
    }
    return total;
  }

  /** Delete every matching row, following onDelete rules (CASCADE, PROTECT…). Returns `[total, { label: count }]`. */
  async delete(): Promise<DeleteResult> {
    this.assertFilterable('delete');
    if (this.state.distinct) throw new FieldError('Cannot call delete() after distinct().');
    if (this.state.values) throw new FieldError('Cannot call delete() after values() or valuesList().');
    const collector = new Collector(this.db);
    await collector.collectQuery(this.model, this.state);
    return collector.delete();
  }

  /** Shape key of this query, for tests of the statement cache. */
  get shape(): string {
    return stateShape(this.state);
  }
}

/**
 * True when an exact filter on a unique column (`pk: 5`, `slug: 'x'`) pins
 * at most one row: get() then needs no LIMIT — the cheap primary-key path
 * (SQLite runs `id = ? LIMIT ?` about 2.5 times slower than `id = ?`).
 */
function pinsUniqueRow(state: QueryState): boolean {
  const meta = state.model._meta;
  // only conditions every row must meet: AND groups, not negated (filter() nests one group per call and per object)
  const pins = (node: Group | Cond): boolean => {
    if (node.t === 'g') return !node.neg && node.conn === 'AND' && node.children.some(pins);
    if (node.kind !== 'v') return false;
    const name = node.key.endsWith('__exact') ? node.key.slice(0, -'__exact'.length) : node.key;
    const field = name === 'pk' ? meta.pk : meta.fieldMap.get(name);
    return field !== undefined && field.unique && field.concrete;
  };
  return state.where !== null && pins(state.where);
}

function choices(fields: AnyField[]): string {
  return `Choices are: ${fields.map((f) => f.name).sort().join(', ')}.`;
}

/** The plain `field: value` parts of get() lookups, used as values when creating. */
function plainLookups(lookups: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(lookups)) {
    if (key.includes('__')) {
      if (key.endsWith('__exact')) out[key.slice(0, -'__exact'.length)] = value;
      continue;
    }
    if (!(value instanceof FExpression)) out[key] = value;
  }
  return out;
}

export type { DeleteResult };
