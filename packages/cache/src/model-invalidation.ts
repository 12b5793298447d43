import { type AnyModel, type Database, postDelete, postSave } from '@manouche/orm';
import type { Cache } from './cache';
import { caches } from './handler';

/** The tag for every row of a model: `news.article`. File a list or a page that shows rows of the model under it. */
export function modelTag(model: AnyModel): string {
  return model._meta.labelLower;
}

/** The tag for one row: `news.article:3`. File what shows only that row under it. */
export function instanceTag(model: AnyModel, pk: unknown): string {
  return `${model._meta.labelLower}:${String(pk)}`;
}

export interface InvalidateOnChangeOptions<I> {
  /** The cache, or its CACHES alias (default `default`), looked up at each change. */
  cache?: Cache | string;
  /** More tags to invalidate for a saved or deleted row: `(article) => [`author:${article.authorId}`]`. */
  tags?: (instance: I) => readonly string[];
}

/** Per committed transaction and cache: the tags already invalidated after that commit. */
const doneAfterCommit = new WeakMap<object, WeakMap<Cache, Set<string>>>();

function resolveCache(cache: Cache | string | undefined): Cache {
  return typeof cache === 'object' ? cache : caches.get(cache ?? 'default');
}

/**
 * Invalidate `tags` once the current transaction of `db` commits (at once
 * without one): before the commit, a reader would fill the cache again
 * from the rows still committed. A transaction that rolls back invalidates
 * nothing; a tag shared by many changed rows is invalidated once per commit.
 */
function invalidateAfterCommit(db: Database, cache: Cache | string | undefined, tags: readonly string[]): void | Promise<void> {
  const transaction = db.currentTransaction();
  return db.onCommit(async () => {
    const target = resolveCache(cache);
    let pending = tags;
    if (transaction) {
      let perCache = doneAfterCommit.get(transaction);
      if (!perCache) doneAfterCommit.set(transaction, (perCache = new WeakMap()));
      let done = perCache.get(target);
      if (!done) perCache.set(target, (done = new Set()));
      pending = tags.filter((tag) => !done.has(tag));
      for (const tag of pending) done.add(tag);
    }
    if (pending.length) await target.invalidateTags(pending);
  });
}

/**
 * Model-aware invalidation: whenever a row of `model` is saved or deleted
 * (the ORM's postSave/postDelete signals), invalidate `modelTag(model)`,
 * `instanceTag(model, pk)` and `options.tags(row)` in the cache, after the
 * transaction commits. Returns a function that stops it.
 *
 * ```ts
 * invalidateOnChange(Article, { tags: (article) => [`author:${article.authorId}`] });
 * const latest = await caches.default.getOrSet('latest', () => Article.objects.values('id', 'title').slice(0, 10), { tags: [modelTag(Article)] });
 * path('', cachePage(300, { tags: [modelTag(Article)] })(home));
 * ```
 *
 * Like Django's signals, `QuerySet.update()`, `bulkCreate()` and raw SQL
 * send none: call `invalidateModel(Article)` after them.
 */
export function invalidateOnChange<M extends AnyModel>(model: M, options: InvalidateOnChangeOptions<InstanceType<M>> = {}): () => void {
  const receiver = ({ instance, using }: { instance: InstanceType<M>; using: Database }): void | Promise<void> => {
    const tags = [modelTag(model), instanceTag(model, (instance as { pk: unknown }).pk), ...(options.tags?.(instance) ?? [])];
    return invalidateAfterCommit(using, options.cache, tags);
  };
  const stopSave = postSave.connect(receiver, { sender: model });
  const stopDelete = postDelete.connect(receiver, { sender: model });
  return () => {
    stopSave();
    stopDelete();
  };
}

/** Invalidate everything filed under the model's tag (after `QuerySet.update()`, `bulkCreate()`, raw SQL). */
export async function invalidateModel(model: AnyModel, cache?: Cache | string): Promise<number> {
  return resolveCache(cache).invalidateTags(modelTag(model));
}
