import { Client, createApp, HttpResponse, path } from '@manouche/core';
import { connect, createTables, type Database, defineModel, fields } from '@manouche/orm';
import { cacheApp } from '../src/app';
import type { Cache } from '../src/cache';
import { caches, createCache } from '../src/handler';
import { cachePage } from '../src/http/decorators';
import { instanceTag, invalidateModel, invalidateOnChange, modelTag } from '../src/orm';
import { TEST_SECRET } from './support';

const Article = defineModel('news.Article', {
  fields: { title: fields.CharField({ maxLength: 100 }), author: fields.CharField({ maxLength: 50 }) },
});

let db: Database;
beforeAll(async () => {
  db = await connect({ ENGINE: 'sqlite', NAME: ':memory:' }, { models: [Article] });
  await createTables(db, [Article._meta]);
});
afterAll(() => db.close());
beforeEach(() => Article.objects.all().delete());

describe('model-aware invalidation', () => {
  let cache: Cache;
  let stop: () => void;
  beforeEach(() => {
    cache = createCache();
    stop = invalidateOnChange(Article, { cache, tags: (article) => [`author:${article.author}`] });
  });
  afterEach(() => stop());

  it('names the tags after the model and the row', async () => {
    const article = await Article.objects.create({ title: 'One', author: 'ann' });
    expect([modelTag(Article), instanceTag(Article, article.pk)]).toEqual(['news.article', `news.article:${article.pk}`]);
  });

  it('saving or deleting a row invalidates its model tag, its row tag and the extra tags', async () => {
    const [one, two] = [await Article.objects.create({ title: 'One', author: 'ann' }), await Article.objects.create({ title: 'Two', author: 'bob' })];
    const fill = async () => {
      await cache.set('list', ['One', 'Two'], { tags: [modelTag(Article)] });
      await cache.set('one', 'One', { tags: [instanceTag(Article, one.pk)] });
      await cache.set('two', 'Two', { tags: [instanceTag(Article, two.pk)] });
      await cache.set('by-ann', ['One'], { tags: ['author:ann'] });
      await cache.set('unrelated', 'kept');
    };
    const left = async () => [...(await cache.getMany(['list', 'one', 'two', 'by-ann', 'unrelated'])).keys()];

    await fill();
    one.title = 'One, edited';
    await one.save();
    expect(await left()).toEqual(['two', 'unrelated']);

    await fill();
    await two.delete();
    expect(await left()).toEqual(['one', 'by-ann', 'unrelated']);

    await fill();
    await Article.objects.create({ title: 'Three', author: 'cy' });
    expect(await left()).toEqual(['one', 'two', 'by-ann', 'unrelated']);

    stop();
    await fill();
    await one.save();
    expect(await left()).toEqual(['list', 'one', 'two', 'by-ann', 'unrelated']);
  });

  it('waits for the transaction to commit, invalidates nothing on a rollback, and each tag once per commit', async () => {
    const article = await Article.objects.create({ title: 'One', author: 'ann' });
    await cache.set('list', 'cached', { tags: [modelTag(Article)] });
    await db.atomic(async () => {
      article.title = 'Edited';
      await article.save();
      // a reader now would fill the cache again from the row still committed: keep the entry until the commit
      expect(await cache.get('list')).toBe('cached');
    });
    expect(await cache.get('list')).toBeUndefined();

    await cache.set('list', 'cached', { tags: [modelTag(Article)] });
    await expect(
      db.atomic(async () => {
        await article.save();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await cache.get('list')).toBe('cached');

    const invalidated = jest.spyOn(cache, 'invalidateTags');
    const more = [await Article.objects.create({ title: 'Two', author: 'ann' }), await Article.objects.create({ title: 'Three', author: 'bob' })];
    invalidated.mockClear();
    await db.atomic(async () => {
      for (const a of [article, ...more]) await a.save();
    });
    expect(invalidated.mock.calls.map(([tags]) => tags)).toEqual([
      ['news.article', `news.article:${article.pk}`, 'author:ann'],
      [`news.article:${more[0]!.pk}`],
      [`news.article:${more[1]!.pk}`, 'author:bob'],
    ]);
  });

  it('QuerySet.delete() sends the signals; update() does not, so invalidateModel() is there for it', async () => {
    await Article.objects.create({ title: 'One', author: 'ann' });
    await cache.set('list', 'cached', { tags: [modelTag(Article)] });
    await Article.objects.filter({ author: 'ann' }).delete();
    expect(await cache.get('list')).toBeUndefined();

    await Article.objects.create({ title: 'Two', author: 'bob' });
    await cache.set('list', 'cached', { tags: [modelTag(Article)] });
    await Article.objects.filter({ author: 'bob' }).update({ title: 'Two, edited' });
    expect(await cache.get('list')).toBe('cached');
    expect(await invalidateModel(Article, cache)).toBe(1);
    expect(await cache.get('list')).toBeUndefined();
  });
});

describe('a cached page tied to a model', () => {
  afterEach(() => caches.close());

  it('is rendered again after a row is saved (the CACHES alias resolved at each change)', async () => {
    let renders = 0;
    const home = async () => {
      renders++;
      const titles = await Article.objects.orderBy('id').valuesList('title', { flat: true });
      return new HttpResponse(titles.join(', '));
    };
    const app = createApp({
      settings: { SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['testserver'], INSTALLED_APPS: [cacheApp()], CACHES: { default: { BACKEND: 'memory' }, pages: { BACKEND: 'memory' } } },
      urls: [path('', cachePage(300, { cache: 'pages', tags: [modelTag(Article)] })(home))],
      env: {},
    });
    const stop = invalidateOnChange(Article, { cache: 'pages' });
    try {
      const client = new Client(app);
      const article = await Article.objects.create({ title: 'Before', author: 'ann' });
      expect((await client.get('/')).text).toBe('Before');
      expect((await client.get('/')).text).toBe('Before');
      expect(renders).toBe(1);
      article.title = 'After';
      await article.save();
      expect((await client.get('/')).text).toBe('After');
      expect(renders).toBe(2);
    } finally {
      stop();
      await app.close();
    }
  });
});
