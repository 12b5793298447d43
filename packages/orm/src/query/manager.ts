import type { Database } from '../db/database';
import type { AnyModel, CreateInput, InstanceOf } from '../models/types';
import { pkOnly, getByPk } from './pk';
import { QuerySet } from './queryset';
import { RawQuerySet } from './raw';

/** QuerySet methods a Manager offers directly (everything but delete(), as in Django). */
const PROXIED = [
  'filter',
  'exclude',
  'orderBy',
  'reverse',
  'distinct',
  'slice',
  'values',
  'valuesList',
  'annotate',
  'selectRelated',
  'prefetchRelated',
  'only',
  'defer',
  'selectForUpdate',
  'using',
  'none',
  'iterator',
  'count',
  'exists',
  'first',
  'last',
  'at',
  'inBulk',
  'aggregate',
  'getOrCreate',
  'updateOrCreate',
  'bulkCreate',
  'bulkUpdate',
  'update',
] as const;

type Proxied = (typeof PROXIED)[number];

/**
 * Django's Manager: `Article.objects`, the entry point to QuerySets.
 * Subclass it and override getQueryset() for a default filter:
 *
 * ```ts
 * class PublishedManager extends Manager<typeof Article> {
 *   override getQueryset() { return super.getQueryset().filter({ status: 'published' }); }
 * }
 * ```
 */
export interface Manager<M extends AnyModel> extends Pick<QuerySet<M, InstanceOf<M>, {}>, Proxied> {}

export class Manager<M extends AnyModel> {
  constructor(readonly model: M) {}

  getQueryset(): QuerySet<M, InstanceOf<M>, {}> {
    return new QuerySet(this.model);
  }

  /** The one object matching (DoesNotExist / MultipleObjectsReturned otherwise); `get({ pk })` takes a compiled fast path. */
  get(...args: Parameters<QuerySet<M, InstanceOf<M>, {}>['get']>): Promise<InstanceOf<M>> {
    // the fast path only where getQueryset() is the plain one: a custom manager's default filter must apply
    if (args.length === 1 && this.getQueryset === Manager.prototype.getQueryset) {
      const key = pkOnly(this.model, args[0]);
      if (key !== undefined) return getByPk(this.model, key);
    }
    return this.getQueryset().get(...args);
  }

  /** All objects: the manager's base QuerySet (prefetched rows included, for related managers). */
  all(): QuerySet<M, InstanceOf<M>, {}> {
    return this.getQueryset();
  }

  /** Create and save an object. */
  create(values: CreateInput<M>): Promise<InstanceOf<M>> {
    return this.getQueryset().create(values);
  }

  /**
   * Run raw SQL that returns this model's rows; columns map to fields by
   * column name (extra columns become attributes). Use `%s` placeholders:
   * `raw('SELECT * FROM news_article WHERE title = %s', [title])`.
   */
  raw(sql: string, params: readonly unknown[] = [], options: { using?: Database | string } = {}): RawQuerySet<M> {
    return new RawQuerySet(this.model, sql, params, options.using);
  }
}

for (const name of PROXIED) {
  Object.defineProperty(Manager.prototype, name, {
    configurable: true,
    writable: true,
    value(this: Manager<AnyModel>, ...args: unknown[]) {
      const qs = this.getQueryset() as unknown as Record<string, (...a: unknown[]) => unknown>;
      return qs[name]!(...args);
    },
  });
}
