import { cachePage, caches, varyOnCookie } from '@manouche/cache';
import type { ViewFunction } from '@manouche/core';
import { m2mChanged, postDelete, postSave } from '@manouche/orm';
import { Article, Author, Section, Tag } from './models';

/**
 * Cache tags. Everything rendered from articles (the front page, the feeds)
 * is filed under ARTICLES; the navigation's section list under SECTIONS.
 * Saving or deleting a model drops every entry filed under its tags, in
 * every process sharing the cache.
 */
export const ARTICLES = 'articles';
export const SECTIONS = 'sections';

/** How long cached pages, feeds and fragments live when nothing changes (seconds). */
export const CACHE_SECONDS = 300;

/** The value under `key`, computed by `compute` on a miss and filed under `tags`. */
export function cached<T>(key: string, tags: readonly string[], compute: () => Promise<T>): Promise<T> {
  return caches.default.getOrSet(key, compute, { timeout: CACHE_SECONDS, tags: [...tags] });
}

const pageCache = cachePage(CACHE_SECONDS, { tags: [ARTICLES, SECTIONS] });

/**
 * A view whose whole response is cached for anonymous readers (the front
 * page, the feeds), filed under ARTICLES and SECTIONS so that the receivers
 * below drop it. The page cache never serves nor stores a request carrying
 * the session cookie or an Authorization header, so a logged-in reader
 * always gets a page rendered for them, and their page is never stored.
 *
 * Every response, hit or miss, says `Vary: Cookie`: the session middleware
 * adds it only when the view read the session (a miss), and without it a
 * browser could keep showing the anonymous page after its user logs in.
 * It is added outside the page cache, so the stored page is keyed by URL
 * alone and shared by every anonymous reader whatever other cookies they have.
 */
export function cachedForAnonymous<V extends ViewFunction>(view: V): V {
  return varyOnCookie(pageCache(view));
}

const TAGS_OF = new Map<unknown, readonly string[]>([
  [Article, [ARTICLES]],
  [Author, [ARTICLES]],
  [Tag, [ARTICLES]],
  [Section, [ARTICLES, SECTIONS]],
]);

/**
 * Connect the invalidation receivers (once per process, whatever the number
 * of applications): a saved or deleted article, author, tag or section, and
 * a change to an article's tags, invalidate what was rendered from them.
 */
export function connectCacheInvalidation(): void {
  for (const [sender, tags] of TAGS_OF) {
    const invalidate = () => caches.default.invalidateTags([...tags]);
    const label = (sender as typeof Article)._meta.label;
    postSave.connect(invalidate, { sender, dispatchUid: `newsroom.cache.save.${label}` });
    postDelete.connect(invalidate, { sender, dispatchUid: `newsroom.cache.delete.${label}` });
  }
  const through = Article._meta.manyToMany.find((field) => field.name === 'tags')!.throughModel;
  m2mChanged.connect(
    async ({ action }) => {
      if (action.startsWith('post_')) await caches.default.invalidateTags([ARTICLES]);
    },
    { sender: through, dispatchUid: 'newsroom.cache.m2m.articleTags' },
  );
}
