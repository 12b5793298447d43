import type { Database } from '../db/database';
import { FieldError } from '../errors';
import type { ForeignKey, ManyToManyField } from '../fields/related';
import { DB, isModelInstance, RELATED } from '../models/symbols';
import type { AnyModel, CreateInput, InstanceOf } from '../models/types';
import { m2mChanged } from '../signals';
import { Manager } from './manager';
import { QuerySet } from './queryset';

type Obj = Record<string | symbol, unknown>;

function databaseOf(instance: Obj): Database | undefined {
  return instance[DB] as Database | undefined;
}

function prefetched<R>(instance: Obj, name: string): R[] | undefined {
  const cache = instance[RELATED] as Record<string, unknown> | undefined;
  const value = cache?.[name];
  return Array.isArray(value) ? (value as R[]) : undefined;
}

function requireSaved(instance: Obj, what: string): void {
  const model = instance.constructor as AnyModel;
  const key = instance[model._meta.pk.attname];
  if (key === null || key === undefined) throw new FieldError(`${model._meta.label} instance needs a primary key value before ${what} can be used.`);
}

/**
 * The reverse side of a ForeignKey: `author.articles`. Its QuerySets are
 * filtered to the instance; after prefetchRelated() they answer from the
 * prefetched rows without a query.
 */
export class RelatedManager<M extends AnyModel> extends Manager<M> {
  constructor(
    model: M,
    private readonly instance: Obj,
    private readonly field: ForeignKey,
    private readonly accessor: string,
  ) {
    super(model);
  }

  private get key(): unknown {
    return this.instance[this.field.targetField.attname];
  }

  override getQueryset(): QuerySet<M, InstanceOf<M>, {}> {
    requireSaved(this.instance, `the relationship ${this.accessor}`);
    const db = databaseOf(this.instance);
    const qs = new QuerySet(this.model, undefined, db).filter({ [this.field.attname]: this.key } as never);
    const cached = prefetched<InstanceOf<M>>(this.instance, this.accessor);
    return cached ? qs.withResults(cached) : qs.lazyFor(this.instance, this.accessor);
  }

  /** The prefetched objects, if prefetchRelated() loaded them (synchronous, for templates). */
  get cached(): Array<InstanceOf<M>> | undefined {
    return prefetched(this.instance, this.accessor);
  }

  override create(values: CreateInput<M>): Promise<InstanceOf<M>> {
    requireSaved(this.instance, `the relationship ${this.accessor}`);
    return new QuerySet(this.model, undefined, databaseOf(this.instance)).create({ ...(values as object), [this.field.attname]: this.key } as CreateInput<M>);
  }

  /** Point these objects at the instance (one UPDATE). */
  async add(...objects: Array<InstanceOf<M>>): Promise<void> {
    requireSaved(this.instance, `the relationship ${this.accessor}`);
    const pk = this.model._meta.pk.attname;
    for (const obj of objects) {
      if (!isModelInstance(obj) || obj.constructor !== this.model) throw new FieldError(`${this.accessor}.add() takes ${this.model._meta.label} objects.`);
      if ((obj as Obj)[pk] === null || (obj as Obj)[pk] === undefined) throw new FieldError(`${this.accessor}.add() takes saved objects; save ${this.model._meta.label} first.`);
    }
    if (!objects.length) return;
    await new QuerySet(this.model, undefined, databaseOf(this.instance)).filter({ pk__in: objects.map((o) => (o as Obj)[pk]) } as never).update({ [this.field.attname]: this.key } as never);
    for (const obj of objects) (obj as Obj)[this.field.attname] = this.key;
  }

  private assertNullable(method: string): void {
    if (!this.field.null) throw new FieldError(`${this.accessor}.${method}() is not available: ${this.field} cannot be null. Delete the objects instead.`);
  }

  /** Detach these objects (sets the foreign key to NULL; the field must allow null). */
  async remove(...objects: Array<InstanceOf<M>>): Promise<void> {
    this.assertNullable('remove');
    const pk = this.model._meta.pk.attname;
    if (!objects.length) return;
    await new QuerySet(this.model, undefined, databaseOf(this.instance))
      .filter({ pk__in: objects.map((o) => (o as Obj)[pk]), [this.field.attname]: this.key } as never)
      .update({ [this.field.attname]: null } as never);
    for (const obj of objects) (obj as Obj)[this.field.attname] = null;
  }

  /** Detach every related object (foreign key to NULL). */
  async clear(): Promise<void> {
    this.assertNullable('clear');
    await new QuerySet(this.model, undefined, databaseOf(this.instance)).filter({ [this.field.attname]: this.key } as never).update({ [this.field.attname]: null } as never);
  }

  /** Make exactly these objects related (detaching the others; needs a nullable foreign key to detach). */
  async set(objects: Array<InstanceOf<M>>): Promise<void> {
    const pk = this.model._meta.pk.attname;
    const wanted = new Set(objects.map((o) => (o as Obj)[pk]));
    const current = (await new QuerySet(this.model, undefined, databaseOf(this.instance)).filter({ [this.field.attname]: this.key } as never).valuesList('pk' as never, { flat: true })) as unknown[];
    const stale = current.filter((k) => !wanted.has(k));
    if (stale.length) {
      this.assertNullable('set');
      await new QuerySet(this.model, undefined, databaseOf(this.instance)).filter({ pk__in: stale } as never).update({ [this.field.attname]: null } as never);
    }
    const have = new Set(current);
    await this.add(...objects.filter((o) => !have.has((o as Obj)[pk])));
  }
}

/**
 * Both sides of a ManyToManyField: `article.tags` and `tag.articleSet`.
 * add/remove/set/clear write the intermediate table and send m2mChanged.
 */
export class ManyRelatedManager<M extends AnyModel> extends Manager<M> {
  constructor(
    model: M,
    private readonly instance: Obj,
    private readonly field: ManyToManyField,
    private readonly isReverse: boolean,
    private readonly accessor: string,
  ) {
    super(model);
  }

  /** The through model's FK to the instance's side, and to the related side. */
  private get fks(): { own: ForeignKey; other: ForeignKey } {
    return this.isReverse ? { own: this.field.targetFk!, other: this.field.sourceFk! } : { own: this.field.sourceFk!, other: this.field.targetFk! };
  }

  private get through(): AnyModel {
    return this.field.throughModel!;
  }

  private get key(): unknown {
    return this.instance[this.fks.own.targetField.attname];
  }

  private get db(): Database | undefined {
    return databaseOf(this.instance);
  }

  override getQueryset(): QuerySet<M, InstanceOf<M>, {}> {
    requireSaved(this.instance, `the many-to-many relationship ${this.accessor}`);
    const lookup = this.isReverse ? this.field.name : this.field.relatedQueryName;
    const qs = new QuerySet(this.model, undefined, this.db).filter({ [lookup]: this.key } as never);
    const cached = prefetched<InstanceOf<M>>(this.instance, this.accessor);
    return cached ? qs.withResults(cached) : qs.lazyFor(this.instance, this.accessor);
  }

  /** The prefetched objects, if prefetchRelated() loaded them (synchronous, for templates). */
  get cached(): Array<InstanceOf<M>> | undefined {
    return prefetched(this.instance, this.accessor);
  }

  private keysOf(objects: unknown[], method: string): unknown[] {
    const target = this.fks.other.targetField;
    return objects.map((o) => {
      if (isModelInstance(o)) {
        if (o.constructor !== this.model) throw new FieldError(`${this.accessor}.${method}() takes ${this.model._meta.label} objects or their keys; got a ${(o.constructor as AnyModel)._meta.label}.`);
        const key = o[target.attname];
        if (key === null || key === undefined) throw new FieldError(`${this.accessor}.${method}() takes saved objects; save the ${this.model._meta.label} first.`);
        return key;
      }
      if (o === null || o === undefined) throw new FieldError(`${this.accessor}.${method}() got ${o}.`);
      return target.toJs(o);
    });
  }

  private signal(action: 'pre_add' | 'post_add' | 'pre_remove' | 'post_remove' | 'pre_clear' | 'post_clear', pkSet: Set<unknown> | null, db: Database): Promise<unknown> | undefined {
    if (!m2mChanged.hasListeners(this.through)) return undefined;
    return m2mChanged.send(this.through, { sender: this.through, instance: this.instance, action, reverse: this.isReverse, model: this.model, pkSet, using: db });
  }

  private throughQuery(extra: Record<string, unknown> = {}): QuerySet<AnyModel, any, {}> {
    return new QuerySet(this.through, undefined, this.db).filter({ [this.fks.own.attname]: this.key, ...extra } as never);
  }

  /** Relate these objects (or keys); already related ones are skipped. `throughDefaults` fill extra fields of an explicit through model. */
  async add(...input: Array<InstanceOf<M> | unknown | { throughDefaults: Record<string, unknown> }>): Promise<void> {
    requireSaved(this.instance, `the many-to-many relationship ${this.accessor}`);
    const last = input[input.length - 1];
    const options = last && typeof last === 'object' && !isModelInstance(last) && 'throughDefaults' in last ? (input.pop() as { throughDefaults: Record<string, unknown> }) : undefined;
    const keys = [...new Set(this.keysOf(input, 'add'))];
    if (!keys.length) return;
    const { own, other } = this.fks;
    const qs = this.throughQuery();
    const db = qs.db;
    await db.atomic(async () => {
      const existing = new Set((await this.throughQuery({ [`${other.attname}__in`]: keys }).valuesList(other.attname as never, { flat: true })) as unknown[]);
      const missing = keys.filter((k) => !existing.has(k));
      const pkSet = new Set(missing);
      await this.signal('pre_add', pkSet, db);
      if (missing.length) {
        const rows = missing.map((k) => ({ ...(options?.throughDefaults ?? {}), [own.attname]: this.key, [other.attname]: k }));
        await new QuerySet(this.through, undefined, db).bulkCreate(rows as never);
      }
      await this.signal('post_add', pkSet, db);
    });
  }

  /** Unrelate these objects (or keys). */
  async remove(...objects: Array<InstanceOf<M> | unknown>): Promise<void> {
    requireSaved(this.instance, `the many-to-many relationship ${this.accessor}`);
    const keys = [...new Set(this.keysOf(objects, 'remove'))];
    if (!keys.length) return;
    const db = this.throughQuery().db;
    await db.atomic(async () => {
      const pkSet = new Set(keys);
      await this.signal('pre_remove', pkSet, db);
      await this.throughQuery({ [`${this.fks.other.attname}__in`]: keys }).delete();
      await this.signal('post_remove', pkSet, db);
    });
  }

  /** Unrelate everything. */
  async clear(): Promise<void> {
    requireSaved(this.instance, `the many-to-many relationship ${this.accessor}`);
    const db = this.throughQuery().db;
    await db.atomic(async () => {
      await this.signal('pre_clear', null, db);
      await this.throughQuery().delete();
      await this.signal('post_clear', null, db);
    });
  }

  /** Make exactly these objects related: removes the others, adds the missing (or clears first with `{ clear: true }`). */
  async set(objects: Array<InstanceOf<M> | unknown>, options: { clear?: boolean; throughDefaults?: Record<string, unknown> } = {}): Promise<void> {
    const keys = [...new Set(this.keysOf(objects, 'set'))];
    const db = this.throughQuery().db;
    await db.atomic(async () => {
      const extra = options.throughDefaults ? [{ throughDefaults: options.throughDefaults }] : [];
      if (options.clear) {
        await this.clear();
        await this.add(...keys, ...extra);
        return;
      }
      const current = (await this.throughQuery().valuesList(this.fks.other.attname as never, { flat: true })) as unknown[];
      const wanted = new Set(keys);
      const stale = current.filter((k) => !wanted.has(k));
      if (stale.length) await this.remove(...stale);
      const have = new Set(current);
      await this.add(...keys.filter((k) => !have.has(k)), ...extra);
    });
  }

  /** Create a related object and relate it. */
  override async create(values: CreateInput<M>): Promise<InstanceOf<M>> {
    requireSaved(this.instance, `the many-to-many relationship ${this.accessor}`);
    const obj = await new QuerySet(this.model, undefined, this.db).create(values);
    await this.add(obj);
    return obj;
  }
}
