import { assertNumQueries, CASCADE, defineModel, F, FieldError, fields, Length, Lower, Manager, Q, SET_NULL } from '../src/index';
import { eachBackend } from './support';

const Author = defineModel('qs.Author', {
  fields: {
    name: fields.CharField({ maxLength: 100 }),
    email: fields.EmailField({ null: true }),
    born: fields.DateField({ null: true }),
  },
  meta: { ordering: ['name'] },
});

const Tag = defineModel('qs.Tag', { fields: { name: fields.CharField({ maxLength: 50, unique: true }) } });

const Article = defineModel('qs.Article', {
  fields: {
    title: fields.CharField({ maxLength: 200 }),
    body: fields.TextField({ default: '' }),
    views: fields.IntegerField({ default: 0 }),
    rating: fields.DecimalField({ maxDigits: 5, decimalPlaces: 2, default: '0.00' }),
    published: fields.DateTimeField({ null: true }),
    active: fields.BooleanField({ default: true }),
    author: fields.ForeignKey(() => Author, { onDelete: CASCADE, relatedName: 'articles' }),
    editor: fields.ForeignKey(() => Author, { onDelete: SET_NULL, null: true, relatedName: 'edited' }),
    tags: fields.ManyToManyField(() => Tag, { relatedName: 'articles' }),
  },
  meta: { ordering: ['-views', 'id'] },
});

declare module '../src/models/types' {
  interface ReverseRelations {
    'qs.Author': { articles: typeof Article; edited: typeof Article };
    'qs.Tag': { articles: typeof Article };
  }
}

async function fixtures() {
  const ann = await Author.objects.create({ name: 'Ann', email: 'ann@example.com', born: '1980-05-17' });
  const bob = await Author.objects.create({ name: 'Bob', born: '1992-11-02' });
  const cy = await Author.objects.create({ name: 'cy' });
  const js = await Tag.objects.create({ name: 'js' });
  const py = await Tag.objects.create({ name: 'py' });
  const hello = await Article.objects.create({ title: 'Hello World', views: 10, rating: '4.50', published: new Date('2024-03-15T10:30:00Z'), author: ann, editor: bob });
  const second = await Article.objects.create({ title: 'Second 100% post_x', views: 3, rating: '3.25', published: new Date('2023-12-31T23:00:00Z'), author: ann, active: false });
  const third = await Article.objects.create({ title: 'hello again', views: 25, author: bob });
  await hello.tags.add(js, py);
  await third.tags.add(js);
  return { ann, bob, cy, js, py, hello, second, third };
}

const titles = async (qs: PromiseLike<Array<{ title: string }>>): Promise<string[]> => (await qs).map((a) => a.title);

eachBackend('QuerySet', [Author, Tag, Article], ({ db, backend }) => {
  describe('lookups', () => {
    it('exact, iexact, contains and icontains (case-sensitive where named so)', async () => {
      await fixtures();
      expect(await titles(Article.objects.filter({ title: 'Hello World' }))).toEqual(['Hello World']);
      expect(await titles(Article.objects.filter({ title__exact: 'hello world' }))).toEqual(backend === 'mysql' ? ['Hello World'] : []);
      expect(await titles(Article.objects.filter({ title__iexact: 'HELLO WORLD' }))).toEqual(['Hello World']);
      expect(await titles(Article.objects.filter({ title__contains: 'ello' }))).toEqual(['hello again', 'Hello World']);
      expect(await titles(Article.objects.filter({ title__contains: 'Hello' }))).toEqual(['Hello World']);
      expect(await titles(Article.objects.filter({ title__icontains: 'HELLO' }))).toEqual(['hello again', 'Hello World']);
    });

    it('startswith / endswith and their case-insensitive forms', async () => {
      await fixtures();
      expect(await titles(Article.objects.filter({ title__startswith: 'hello' }))).toEqual(['hello again']);
      expect(await titles(Article.objects.filter({ title__istartswith: 'hello' }))).toEqual(['hello again', 'Hello World']);
      expect(await titles(Article.objects.filter({ title__endswith: 'World' }))).toEqual(['Hello World']);
      expect(await titles(Article.objects.filter({ title__iendswith: 'WORLD' }))).toEqual(['Hello World']);
    });

    it('treats LIKE/GLOB wildcards in values literally', async () => {
      await fixtures();
      expect(await titles(Article.objects.filter({ title__contains: '100%' }))).toEqual(['Second 100% post_x']);
      expect(await titles(Article.objects.filter({ title__contains: '%' }))).toEqual(['Second 100% post_x']);
      expect(await titles(Article.objects.filter({ title__icontains: '_' }))).toEqual(['Second 100% post_x']);
      expect(await titles(Article.objects.filter({ title__contains: '*' }))).toEqual([]);
      expect(await titles(Article.objects.filter({ title__startswith: '?' }))).toEqual([]);
      expect(await titles(Article.objects.filter({ title__iexact: 'hello%' }))).toEqual([]);
    });

    it('in (values, empty, a subquery), comparisons and range', async () => {
      const { ann } = await fixtures();
      expect(await titles(Article.objects.filter({ views__in: [3, 25] }))).toEqual(['hello again', 'Second 100% post_x']);
      expect(await Article.objects.filter({ views__in: [] }).count()).toBe(0);
      expect(await Article.objects.exclude({ views__in: [] }).count()).toBe(3);
      expect(await titles(Article.objects.filter({ author__in: Author.objects.filter({ name: 'Bob' }) }))).toEqual(['hello again']);
      expect(await titles(Article.objects.filter({ id__in: Article.objects.filter({ author: ann }).valuesList('id', { flat: true }) }))).toEqual(['Hello World', 'Second 100% post_x']);
      expect(await titles(Article.objects.filter({ views__gt: 3, views__lte: 10 }))).toEqual(['Hello World']);
      expect(await titles(Article.objects.filter({ views__gte: 10 }))).toEqual(['hello again', 'Hello World']);
      expect(await titles(Article.objects.filter({ views__lt: 10 }))).toEqual(['Second 100% post_x']);
      expect(await titles(Article.objects.filter({ views__range: [4, 25] }))).toEqual(['hello again', 'Hello World']);
      expect(await titles(Article.objects.filter({ rating__gt: '4' }))).toEqual(['Hello World']);
    });

    it('isnull and exact null', async () => {
      await fixtures();
      expect(await titles(Article.objects.filter({ published__isnull: true }))).toEqual(['hello again']);
      expect(await titles(Article.objects.filter({ published: null }))).toEqual(['hello again']);
      expect(await Article.objects.filter({ published__isnull: false }).count()).toBe(2);
      expect(await titles(Article.objects.filter({ editor__isnull: false }))).toEqual(['Hello World']);
    });

    it('regex and iregex', async () => {
      await fixtures();
      expect(await titles(Article.objects.filter({ title__regex: '^[Hh]ello' }))).toEqual(['hello again', 'Hello World']);
      expect(await titles(Article.objects.filter({ title__regex: '^hello' }))).toEqual(['hello again']);
      expect(await titles(Article.objects.filter({ title__iregex: '^HELLO' }))).toEqual(['hello again', 'Hello World']);
    });

    it('date parts on dates and datetimes', async () => {
      await fixtures();
      expect(await titles(Article.objects.filter({ published__year: 2024 }))).toEqual(['Hello World']);
      expect(await titles(Article.objects.filter({ published__year__lt: 2024 }))).toEqual(['Second 100% post_x']);
      expect(await titles(Article.objects.filter({ published__month: 12, published__day: 31 }))).toEqual(['Second 100% post_x']);
      expect(await titles(Article.objects.filter({ published__date: '2024-03-15' }))).toEqual(['Hello World']);
      expect(await titles(Article.objects.filter({ published__date__gte: new Date('2024-01-01T00:00:00Z') }))).toEqual(['Hello World']);
      // 2024-03-15 is a Friday: Django's week_day counts Sunday as 1
      expect(await titles(Article.objects.filter({ published__week_day: 6 }))).toEqual(['Hello World']);
      expect(await titles(Article.objects.filter({ published__quarter: 4 }))).toEqual(['Second 100% post_x']);
      expect(await titles(Article.objects.filter({ published__hour: 10 }))).toEqual(['Hello World']);
      expect((await Author.objects.filter({ born__year__in: [1980, 1992] })).map((a) => a.name)).toEqual(['Ann', 'Bob']);
      expect((await Author.objects.filter({ born__gt: '1990-01-01' })).map((a) => a.name)).toEqual(['Bob']);
    });

    it('follows relations forward, in reverse and through many-to-many', async () => {
      const { ann } = await fixtures();
      expect(await titles(Article.objects.filter({ author__name__iexact: 'ANN' }))).toEqual(['Hello World', 'Second 100% post_x']);
      expect(await titles(Article.objects.filter({ author: ann }))).toEqual(['Hello World', 'Second 100% post_x']);
      expect(await titles(Article.objects.filter({ authorId: ann.id }))).toEqual(['Hello World', 'Second 100% post_x']);
      expect(await titles(Article.objects.filter({ author__id: ann.id }))).toEqual(['Hello World', 'Second 100% post_x']);
      expect((await Author.objects.filter({ articles__title__icontains: 'again' })).map((a) => a.name)).toEqual(['Bob']);
      expect((await Author.objects.filter({ articles__isnull: true })).map((a) => a.name)).toEqual(['cy']);
      expect(await titles(Article.objects.filter({ tags__name: 'py' }))).toEqual(['Hello World']);
      expect((await Tag.objects.filter({ articles__views__gt: 20 })).map((t) => t.name)).toEqual(['js']);
      expect(await titles(Article.objects.filter({ tags__name: 'js' }).filter({ tags__name: 'py' }))).toEqual(['Hello World']);
      expect(await Article.objects.filter({ tags__name__in: ['js', 'py'] }).count()).toBe(3);
      expect(await Article.objects.filter({ tags__name__in: ['js', 'py'] }).distinct().count()).toBe(2);
    });

    it('combines Q objects with or, and, not', async () => {
      await fixtures();
      expect(await titles(Article.objects.filter(Q({ views: 3 }).or(Q({ views: 25 }))))).toEqual(['hello again', 'Second 100% post_x']);
      expect(await titles(Article.objects.filter(Q({ title__icontains: 'hello' }).and(Q({ views__gt: 20 }).not())))).toEqual(['Hello World']);
      expect(await titles(Article.objects.filter(Q({ author__name: 'Ann' }).or(Q({ editor__name: 'Bob' })), { active: true }))).toEqual(['Hello World']);
      expect(await titles(Article.objects.exclude(Q({ views: 3 }).or(Q({ views: 10 }))))).toEqual(['hello again']);
    });

    it('exclude keeps NULLs and excludes across many-to-many as Django does', async () => {
      await fixtures();
      expect(await titles(Article.objects.exclude({ editor__name: 'Bob' }))).toEqual(['hello again', 'Second 100% post_x']);
      expect(await titles(Article.objects.exclude({ published__year: 2024 }))).toEqual(['hello again', 'Second 100% post_x']);
      expect(await titles(Article.objects.exclude({ tags__name: 'py' }))).toEqual(['hello again', 'Second 100% post_x']);
      expect((await Author.objects.exclude({ articles__views__gt: 5 })).map((a) => a.name)).toEqual(['cy']);
    });

    it('compares columns with F() and arithmetic', async () => {
      await fixtures();
      expect(await titles(Article.objects.filter({ rating__lt: F('views') }))).toEqual(['hello again', 'Hello World']);
      expect(await titles(Article.objects.filter({ views__gt: F('rating').mul(2).add(0.5) }))).toEqual(['hello again', 'Hello World']);
      expect(await titles(Article.objects.filter({ views: F('views') }))).toHaveLength(3);
      expect(await titles(Article.objects.annotate({ double: F('views').mul(2) }).filter({ double__gte: 20 }))).toEqual(['hello again', 'Hello World']);
      expect((await Article.objects.annotate({ lower: Lower('title'), n: Length('title') }).orderBy('id').values('lower', 'n'))[0]).toEqual({ lower: 'hello world', n: 11 });
    });
  });

  describe('ordering, slicing and reading', () => {
    it('orders by fields, related fields, expressions and the model default', async () => {
      await fixtures();
      expect(await titles(Article.objects.all())).toEqual(['hello again', 'Hello World', 'Second 100% post_x']);
      expect(await titles(Article.objects.orderBy('views'))).toEqual(['Second 100% post_x', 'Hello World', 'hello again']);
      expect(await titles(Article.objects.orderBy('author__name', '-views'))).toEqual(['Hello World', 'Second 100% post_x', 'hello again']);
      expect(await titles(Article.objects.orderBy(F('published').desc({ nullsLast: true })))).toEqual(['Hello World', 'Second 100% post_x', 'hello again']);
      expect(await titles(Article.objects.orderBy(F('published').asc({ nullsFirst: true })))).toEqual(['hello again', 'Second 100% post_x', 'Hello World']);
      expect(await titles(Article.objects.orderBy('views').reverse())).toEqual(['hello again', 'Hello World', 'Second 100% post_x']);
      expect(await Article.objects.orderBy('?').count()).toBe(3);
      expect((await Article.objects.orderBy('?')).length).toBe(3);
    });

    it('is immutable and lazy: each call returns a new QuerySet, the original unchanged, no query until read', async () => {
      await fixtures();
      const all = Article.objects.all();
      const popular = all.filter({ views__gte: 10 });
      const ordered = popular.orderBy('-views');
      expect(popular).not.toBe(all);
      expect(ordered).not.toBe(popular);
      await assertNumQueries(0, async () => {
        all.filter({ title: 'x' }).exclude({ views: 3 }).orderBy('title').slice(0, 1);
      });
      expect(await titles(all)).toEqual(['hello again', 'Hello World', 'Second 100% post_x']);
      expect(await titles(popular)).toEqual(['hello again', 'Hello World']);
      expect(await titles(ordered)).toEqual(['hello again', 'Hello World']);
      // an evaluated QuerySet keeps its rows: reading it again runs no query
      await assertNumQueries(0, async () => {
        expect(await titles(ordered)).toEqual(['hello again', 'Hello World']);
      });
    });

    it('slices with LIMIT/OFFSET; first, last, at', async () => {
      await fixtures();
      expect(await titles(Article.objects.slice(1, 3))).toEqual(['Hello World', 'Second 100% post_x']);
      expect(await titles(Article.objects.slice(1))).toEqual(['Hello World', 'Second 100% post_x']);
      expect(await titles(Article.objects.slice(0, 2).slice(1))).toEqual(['Hello World']);
      expect(await Article.objects.slice(1, 3).count()).toBe(2);
      expect(await Article.objects.slice(5).exists()).toBe(false);
      expect((await Article.objects.first())?.title).toBe('hello again');
      expect((await Article.objects.last())?.title).toBe('Second 100% post_x');
      expect((await Author.objects.orderBy().first())?.name).toBe('Ann');
      expect((await Article.objects.at(1))?.title).toBe('Hello World');
      expect(await Article.objects.at(9)).toBeUndefined();
      expect(await Article.objects.filter({ views: 999 }).first()).toBeNull();
      expect(() => Article.objects.slice(-1)).toThrow(RangeError);
      expect(() => Article.objects.slice(0, 1).filter({ views: 1 })).toThrow('Cannot filter a query once a slice has been taken');
    });

    it('values and valuesList narrow the rows', async () => {
      const { ann } = await fixtures();
      expect(await Article.objects.filter({ views: 10 }).values('title', 'author__name')).toEqual([{ title: 'Hello World', author__name: 'Ann' }]);
      const all = await Article.objects.filter({ views: 10 }).values();
      expect(all[0]).toMatchObject({ title: 'Hello World', views: 10, authorId: ann.id, rating: '4.50', active: true });
      expect(all[0]!.published).toEqual(new Date('2024-03-15T10:30:00Z'));
      expect(await Article.objects.orderBy('views').valuesList('title', 'views')).toEqual([['Second 100% post_x', 3], ['Hello World', 10], ['hello again', 25]]);
      expect(await Article.objects.orderBy('views').valuesList('views', { flat: true })).toEqual([3, 10, 25]);
      expect(await Author.objects.valuesList('articles__views', { flat: true }).orderBy('articles__views')).toEqual(backend === 'postgres' ? [3, 10, 25, null] : [null, 3, 10, 25]);
    });

    it('count, exists, get and its errors, inBulk', async () => {
      const { ann, hello } = await fixtures();
      expect(await Article.objects.count()).toBe(3);
      expect(await Article.objects.filter({ author: ann }).exists()).toBe(true);
      expect(await Article.objects.filter({ views: 1000 }).exists()).toBe(false);
      expect((await Article.objects.get({ id: hello.id })).title).toBe('Hello World');
      expect((await Article.objects.get({ pk: hello.id })).title).toBe('Hello World');
      await expect(Article.objects.get({ views: 1000 })).rejects.toThrow(new Article.DoesNotExist('Article matching query does not exist.'));
      await expect(Article.objects.get({ views: 1000 })).rejects.toBeInstanceOf(Article.DoesNotExist);
      await expect(Article.objects.get({ author: ann })).rejects.toThrow('get() returned more than one Article -- it returned 2!');
      await expect(Article.objects.get({ author: ann })).rejects.toBeInstanceOf(Article.MultipleObjectsReturned);
      const bulk = await Article.objects.inBulk([hello.id, 9999]);
      expect([...bulk.keys()]).toEqual([hello.id]);
      expect(bulk.get(hello.id)?.title).toBe('Hello World');
      expect((await Tag.objects.inBulk(['js'], { fieldName: 'name' })).get('js')?.name).toBe('js');
      await expect(Article.objects.inBulk([1], { fieldName: 'views' })).rejects.toThrow(FieldError);
    });

    it('get() by primary key or another unique field runs one query without LIMIT; other lookups keep LIMIT 21', async () => {
      const { hello } = await fixtures();
      const sqls: string[] = [];
      const stop = db().observe((q) => sqls.push(q.sql));
      try {
        for (const lookups of [{ pk: hello.id }, { id: hello.id }, { pk__exact: hello.id }, { id: String(hello.id) }]) {
          const article = await Article.objects.get(lookups as never);
          expect([article.title, article.authorId, article.published]).toEqual(['Hello World', hello.authorId, hello.published]);
        }
        expect((await Tag.objects.get({ name: 'js' })).name).toBe('js');
        expect(sqls).toHaveLength(5);
        for (const sql of sqls) expect(sql).not.toMatch(/LIMIT/);
        await Article.objects.get({ title: 'Hello World' });
        expect(sqls[5]).toMatch(/LIMIT/);
      } finally {
        stop();
      }
      await expect(Article.objects.get({ pk: 987654 })).rejects.toThrow(new Article.DoesNotExist('Article matching query does not exist.'));
      await expect(Article.objects.get({ pk: 'x' as never })).rejects.toThrow('Field “id” expected an integer but got \'x\'.');
      // a manager with a default filter never takes the shortcut around it
      class ActiveManager extends Manager<typeof Article> {
        override getQueryset() {
          return super.getQueryset().filter({ active: true });
        }
      }
      const second = await Article.objects.get({ title__startswith: 'Second' });
      const active = new ActiveManager(Article);
      await expect(active.get({ pk: second.id })).rejects.toBeInstanceOf(Article.DoesNotExist);
      expect((await active.get({ pk: hello.id })).title).toBe('Hello World');
    });

    it('is lazy, caches its rows, and can be iterated', async () => {
      await fixtures();
      const log: string[] = [];
      const stop = db().observe((q) => log.push(q.sql));
      const qs = Article.objects.filter({ active: true });
      expect(log).toHaveLength(0);
      const first = await qs;
      const again = await qs;
      expect(again).toBe(first);
      expect(await qs.count()).toBe(2);
      const seen: string[] = [];
      for await (const a of qs) seen.push(a.title);
      expect(seen).toEqual(['hello again', 'Hello World']);
      expect(log).toHaveLength(1);
      stop();
    });

    it('compiles each query shape once and binds values as parameters', async () => {
      await fixtures();
      const cache = Article._meta.cacheFor(db().id);
      await Article.objects.filter({ views__gt: 1 }).count();
      const size = cache.size;
      for (const n of [2, 3, 4]) await Article.objects.filter({ views__gt: n }).count();
      expect(cache.size).toBe(size);
      const a = Article.objects.filter({ views__gt: 1 }).sql();
      const b = Article.objects.filter({ views__gt: 99 }).sql();
      expect(a.sql).toBe(b.sql);
      expect(b.params).toContain(99);
    });

    it('streams with iterator() in chunks', async () => {
      const { ann } = await fixtures();
      await Article.objects.bulkCreate(Array.from({ length: 25 }, (_, i) => ({ title: `bulk ${i}`, author: ann, views: i })));
      const seen: string[] = [];
      const log: string[] = [];
      const stop = db().observe((q) => log.push(q.sql));
      for await (const a of Article.objects.orderBy('pk').iterator({ chunkSize: 10 })) seen.push(a.title);
      stop();
      expect(seen).toHaveLength(28);
      expect(log.length).toBe(3);
      const ordered: number[] = [];
      for await (const a of Article.objects.filter({ title__startswith: 'bulk' }).orderBy('-views').iterator({ chunkSize: 7 })) ordered.push(a.views);
      expect(ordered).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
    });

    it('only() and defer() load some fields', async () => {
      const { hello } = await fixtures();
      const [only] = await Article.objects.filter({ id: hello.id }).only('title');
      expect(only!.title).toBe('Hello World');
      expect(Object.hasOwn(only!, 'body')).toBe(false);
      expect(only!.id).toBe(hello.id);
      const [deferred] = await Article.objects.filter({ id: hello.id }).defer('body', 'rating');
      expect(Object.hasOwn(deferred!, 'rating')).toBe(false);
      expect(deferred!.views).toBe(10);
      // saving a partly loaded object leaves the fields it never loaded alone
      only!.title = 'Renamed';
      await only!.save();
      const fresh = await Article.objects.get({ id: hello.id });
      expect([fresh.title, fresh.views, fresh.rating]).toEqual(['Renamed', 10, '4.50']);
    });
  });

  describe('errors for bad names', () => {
    it('names the valid choices for an unknown field or lookup', async () => {
      await expect(Article.objects.filter({ titel: 'x' } as never).count()).rejects.toThrow(/Cannot resolve keyword "titel" into field of qs\.Article\. Choices are: .*author.*title.*views/);
      await expect(Article.objects.filter({ title__icontain: 'x' } as never).count()).rejects.toThrow(/Unsupported lookup "icontain" for CharField qs\.Article\.title .*Choices are: .*icontains/);
      await expect(Article.objects.filter({ views__year: 2020 } as never).count()).rejects.toThrow(/Unsupported lookup "year"/);
      await expect(Article.objects.filter({ author__nme: 'x' } as never).count()).rejects.toThrow(/"nme" into field of qs\.Author/);
      await expect(Article.objects.orderBy('nope' as never).count()).resolves.toBe(0);
      await expect(Article.objects.orderBy('nope' as never).fetchAll()).rejects.toThrow(/Cannot resolve keyword "nope"/);
      await expect(Article.objects.values('nope' as never).fetchAll()).rejects.toThrow(/Cannot resolve keyword "nope"/);
      await expect(Article.objects.filter({ views__in: 3 } as never).count()).rejects.toThrow('The in lookup in "views__in" needs an array or a QuerySet.');
      expect(() => Article.objects.filter({ views: undefined } as never)).toThrow('The value for "views" is undefined');
      await expect(Article.objects.selectRelated('tags').fetchAll()).rejects.toThrow(/Invalid field name "tags" in selectRelated\(\).*Choices are: author, editor/);
    });
  });
});
