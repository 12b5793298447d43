/**
 * Runtime safety: SQL-injection payloads pushed through every way a value or
 * a name reaches the ORM. Values must come back as data (bound parameters,
 * LIKE/GLOB wildcards escaped); names from untyped input must be refused with
 * an error listing the valid choices. After every test the tables hold
 * exactly the rows they held before.
 */
import {
  CASCADE,
  Count,
  defineModel,
  F,
  FieldError,
  fields,
  Lower,
  Q,
  Sum,
  ValidationError,
  Value,
} from '../src/index';
import { eachBackend } from './support';

const Tag = defineModel('inj.Tag', { fields: { name: fields.CharField({ maxLength: 100 }) } });
const Note = defineModel('inj.Note', {
  fields: {
    title: fields.CharField({ maxLength: 200 }),
    body: fields.TextField({ default: '' }),
    views: fields.IntegerField({ default: 0 }),
    published: fields.DateTimeField({ null: true }),
    uid: fields.UUIDField({ null: true }),
    data: fields.JSONField({ null: true }),
    tags: fields.ManyToManyField(() => Tag, { relatedName: 'notes' }),
  },
});
const Comment = defineModel('inj.Comment', {
  fields: {
    note: fields.ForeignKey(() => Note, { onDelete: CASCADE, relatedName: 'comments' }),
    text: fields.CharField({ maxLength: 200 }),
  },
});

declare module '../src/models/types' {
  interface ReverseRelations {
    'inj.Note': { comments: typeof Comment };
    'inj.Tag': { notes: typeof Note };
  }
}

/** Quotes of every dialect, statement terminators, comments, LIKE/GLOB wildcards, placeholders, unicode. */
const PAYLOADS = [
  "'",
  "''",
  '"',
  '`',
  '\\',
  "\\'",
  "' OR '1'='1",
  "' OR 1=1 --",
  "1' OR '1' = '1' /*",
  "'; DROP TABLE inj_note; --",
  '"; DROP TABLE "inj_note"; --',
  '`; DROP TABLE `inj_note`; #',
  "x'); DELETE FROM inj_comment; --",
  "' UNION SELECT id, title FROM inj_note --",
  '*/ OR 1=1 /*',
  '-- comment',
  '# hash comment',
  '%',
  '_',
  '%_%',
  '\\%',
  '50% off_sale',
  '[abc]',
  '*?',
  '$1 ?',
  '%s',
  'Ünïcödé ✓ 🎸',
  'ａｄｍｉｎ',
  'line\nbreak\ttab',
  '\u202e right-to-left',
];

/** Rows that match none of the payloads: a wildcard or an always-true condition would return them. */
const CANARIES = ['canary', 'Plain Title'];

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The JavaScript meaning of each text lookup: what the database must agree with. */
const PREDICATES: Record<string, (title: string, p: string) => boolean> = {
  exact: (t, p) => t === p,
  iexact: (t, p) => t.toLowerCase() === p.toLowerCase(),
  contains: (t, p) => t.includes(p),
  icontains: (t, p) => t.toLowerCase().includes(p.toLowerCase()),
  startswith: (t, p) => t.startsWith(p),
  istartswith: (t, p) => t.toLowerCase().startsWith(p.toLowerCase()),
  endswith: (t, p) => t.endsWith(p),
  iendswith: (t, p) => t.toLowerCase().endsWith(p.toLowerCase()),
};

/** The error a call raises, synchronously or when the QuerySet is evaluated. */
async function failure(fn: () => unknown): Promise<Error> {
  try {
    const result = fn();
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') await result;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, got none');
}

const sorted = (list: string[]): string[] => [...list].sort();

eachBackend('SQL injection', [Tag, Note, Comment], ({ db }) => {
  const titles = [...PAYLOADS, ...CANARIES];

  /** Every row of every table, to prove nothing was changed or dropped. */
  async function snapshot(): Promise<unknown> {
    return {
      notes: await Note.objects.orderBy('id').valuesList('id', 'title', 'body', 'views'),
      comments: await Comment.objects.orderBy('id').valuesList('id', 'note', 'text'),
      tags: await Tag.objects.orderBy('id').valuesList('id', 'name'),
      noteTags: await Note.objects.filter({ tags__isnull: false }).orderBy('id', 'tags__name').valuesList('id', 'tags__name'),
    };
  }

  let before: unknown;
  beforeEach(async () => {
    const notes = await Note.objects.bulkCreate(titles.map((title, i) => ({ title, body: `body of ${title}`, views: i })));
    await Comment.objects.bulkCreate(notes.map((note) => ({ note, text: note.title })));
    const tags = await Tag.objects.bulkCreate(PAYLOADS.map((name) => ({ name })));
    for (let i = 0; i < tags.length; i++) await notes[i]!.tags.add(tags[i]!);
    before = await snapshot();
  });

  afterEach(async () => {
    expect(await snapshot()).toEqual(before);
  });

  describe('values are bound parameters, never SQL', () => {
    it('every text lookup returns exactly the rows JavaScript says match, wildcards included', async () => {
      for (const payload of PAYLOADS) {
        for (const [lookup, predicate] of Object.entries(PREDICATES)) {
          const expected = sorted(titles.filter((t) => predicate(t, payload)));
          const found = await Note.objects.filter({ [`title__${lookup}`]: payload } as never).valuesList('title', { flat: true });
          expect({ payload, lookup, found: sorted(found) }).toEqual({ payload, lookup, found: expected });
        }
      }
    });

    it('regex and iregex take the pattern as a value', async () => {
      for (const payload of PAYLOADS) {
        const pattern = escapeRegExp(payload);
        for (const lookup of ['regex', 'iregex'] as const) {
          const re = new RegExp(pattern, lookup === 'iregex' ? 'i' : '');
          const found = await Note.objects.filter({ [`title__${lookup}`]: pattern } as never).valuesList('title', { flat: true });
          expect({ payload, lookup, found: sorted(found) }).toEqual({ payload, lookup, found: sorted(titles.filter((t) => re.test(t))) });
        }
      }
    });

    it('in, range, gt/gte/lt/lte, exclude and Q objects bind each value', async () => {
      for (const payload of PAYLOADS) {
        expect(sorted(await Note.objects.filter({ title__in: [payload, 'canary'] }).valuesList('title', { flat: true }))).toEqual(sorted([payload, 'canary']));
        expect(await Note.objects.filter({ title__range: [payload, payload] }).valuesList('title', { flat: true })).toEqual([payload]);
        const below = await Note.objects.filter({ title__lt: payload }).count();
        const atOrAbove = await Note.objects.filter({ title__gte: payload }).count();
        expect(below + atOrAbove).toBe(titles.length);
        const above = await Note.objects.filter({ title__gt: payload }).count();
        const atOrBelow = await Note.objects.filter({ title__lte: payload }).count();
        expect(above + atOrBelow).toBe(titles.length);
        expect(await Note.objects.exclude({ title: payload }).count()).toBe(titles.length - 1);
        expect(sorted(await Note.objects.filter(Q({ title: payload }).or(Q({ body: `body of ${payload}` }).and(Q({ title: 'canary' })))).valuesList('title', { flat: true }))).toEqual([payload]);
        expect(await Note.objects.filter(Q({ title: payload }).not()).count()).toBe(titles.length - 1);
      }
    });

    it('across relations: forward, reverse and many-to-many, in filter and exclude', async () => {
      for (const payload of PAYLOADS) {
        expect(await Comment.objects.filter({ note__title: payload }).valuesList('text', { flat: true })).toEqual([payload]);
        expect(await Note.objects.filter({ comments__text__contains: payload }).valuesList('title', { flat: true })).toEqual(titles.filter((t) => t.includes(payload)).sort((a, b) => titles.indexOf(a) - titles.indexOf(b)));
        expect(await Note.objects.filter({ tags__name: payload }).valuesList('title', { flat: true })).toEqual([payload]);
        expect(await Tag.objects.filter({ notes__title__iexact: payload }).valuesList('name', { flat: true })).toEqual([payload]);
        // exclude across a multi-valued relation is a NOT IN (subquery): the value is bound there too
        expect(await Note.objects.exclude({ tags__name: payload }).count()).toBe(titles.length - 1);
        expect(await Note.objects.filter({ id__in: Comment.objects.filter({ text: payload }).valuesList('note', { flat: true }) }).valuesList('title', { flat: true })).toEqual([payload]);
      }
    });

    it('get, count, exists, aggregate with a filter, F() and Value() expressions', async () => {
      for (const payload of PAYLOADS) {
        expect((await Note.objects.get({ title: payload })).body).toBe(`body of ${payload}`);
        expect(await Note.objects.filter({ body__endswith: payload }).exists()).toBe(true);
        expect(await Note.objects.aggregate({ n: Count('id', { filter: Q({ title: payload }) }) })).toEqual({ n: 1 });
        const [annotated] = await Note.objects.filter({ title: payload }).annotate({ label: Value(payload), lower: Lower(F('title')) }).values('label', 'lower');
        expect(annotated).toEqual({ label: payload, lower: expect.any(String) });
        expect(await Note.objects.annotate({ label: Value(payload) }).filter({ label: payload } as never).count()).toBe(titles.length);
      }
    });

    it('writes store the payload verbatim: create, update, getOrCreate, bulkUpdate, save', async () => {
      for (const payload of PAYLOADS) {
        const created = await Note.objects.create({ title: `new ${payload}`, body: payload, data: { [payload]: payload } });
        const back = await Note.objects.get({ pk: created.pk });
        expect([back.title, back.body, back.data]).toEqual([`new ${payload}`, payload, { [payload]: payload }]);
        expect(await Note.objects.filter({ pk: created.pk }).update({ body: `${payload}!` })).toBe(1);
        const [same, made] = await Note.objects.getOrCreate({ title: `new ${payload}` });
        expect([same.pk, same.body, made]).toEqual([created.pk, `${payload}!`, false]);
        same.body = payload;
        await same.save({ updateFields: ['body'] });
        await Note.objects.bulkUpdate([Object.assign(same, { title: `newer ${payload}` })], ['title']);
        expect(await Note.objects.filter({ title: `newer ${payload}`, body: payload }).count()).toBe(1);
        await same.delete();
      }
    });

    it('raw() and cursor parameters are bound, %% stays a literal percent', async () => {
      const q = db().dialect.quote;
      for (const payload of PAYLOADS) {
        const rows = await Note.objects.raw(`SELECT * FROM ${q('inj_note')} WHERE ${q('title')} = %s OR ${q('title')} LIKE '%%never%%'`, [payload]);
        expect(rows.map((r) => r.title)).toEqual([payload]);
        const cursor = await db().cursor().execute(`SELECT COUNT(*) FROM ${q('inj_note')} WHERE ${q('body')} = %s`, [`body of ${payload}`]);
        expect(Number(cursor.fetchOne()![0])).toBe(1);
      }
    });

    it('a value that is not of the column type is refused by name before it reaches the database', async () => {
      // MySQL would otherwise read '1 OR 1=1' as the number 1, and SQLite compare it as text
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ views: '1 OR 1=1' }, 'Field “views” expected an integer but got \'1 OR 1=1\'.'],
        [{ views__gt: "0' OR '1'='1" }, 'Field “views” expected an integer but got \'0\' OR \'1\'=\'1\'.'],
        [{ id__in: [1, '1; DROP TABLE inj_note'] }, 'Field “id” expected an integer but got \'1; DROP TABLE inj_note\'.'],
        [{ uid: "' OR 1=1 --" }, 'Field “uid” expected a UUID but got \'\' OR 1=1 --\'.'],
        [{ published__year: '2024 OR 1=1' }, 'Field “published” expected an integer for __year but got \'2024 OR 1=1\'.'],
        [{ published__date: "2024-01-01' --" }, 'Field “published” expected a date (YYYY-MM-DD) for __date but got \'2024-01-01\' --\'.'],
        [{ comments: '1 OR 1=1' }, 'Field “id” expected an integer but got \'1 OR 1=1\'.'],
      ];
      for (const [filter, message] of cases) {
        const error = await failure(() => Note.objects.filter(filter as never).count());
        expect({ filter, error: error instanceof ValidationError, message: error.message }).toEqual({ filter, error: true, message });
      }
      const badSave = await failure(() => Note.objects.create({ title: 'x', views: '2; DROP TABLE inj_note' as never }));
      expect(badSave.message).toBe('Field “views” expected an integer but got \'2; DROP TABLE inj_note\'.');
      // digits from a query string are fine
      expect(await Note.objects.filter({ views: '1' as never, id__in: ['1', 2] as never }).count()).toBeLessThanOrEqual(1);
      expect(await Note.objects.filter({ views__gte: '0' as never }).count()).toBe(titles.length);
    });
  });

  describe('names from untyped input are checked against the model', () => {
    const noteChoices = /Choices are: .*body.*comments.*data.*id.*published.*tags.*title.*uid.*views/;

    it('unknown fields in filter, exclude, get, Q and relation paths list the valid fields', async () => {
      for (const payload of PAYLOADS) {
        const name = JSON.stringify(payload);
        for (const run of [
          () => Note.objects.filter({ [payload]: 1 } as never).count(),
          () => Note.objects.exclude({ [payload]: 1 } as never).fetchAll(),
          () => Note.objects.get({ [payload]: 1 } as never),
          () => Note.objects.filter(Q({ title: 'x' }).or(Q({ [payload]: 1 } as never))).exists(),
        ]) {
          const error = await failure(run);
          expect(error).toBeInstanceOf(FieldError);
          expect(error.message).toContain(`Cannot resolve keyword ${name} into field of inj.Note.`);
          expect(error.message).toMatch(noteChoices);
        }
        const deep = await failure(() => Note.objects.filter({ [`comments__${payload}`]: 1 } as never).count());
        expect(deep.message).toMatch(new RegExp(`Cannot resolve keyword .* into field of inj\\.Comment\\. Choices are: .*note.*text`));
      }
    });

    it('unknown lookups list the lookups the field supports', async () => {
      for (const payload of PAYLOADS) {
        const error = await failure(() => Note.objects.filter({ [`title__${payload}`]: 'x' } as never).count());
        expect(error).toBeInstanceOf(FieldError);
        expect(error.message).toContain(`Unsupported lookup ${JSON.stringify(payload)} for CharField inj.Note.title`);
        expect(error.message).toContain('. Choices are: contains, endswith, exact, gt, gte, icontains, iendswith, iexact, in, iregex, isnull, istartswith, lt, lte, range, regex, startswith.');
        const onNumber = await failure(() => Note.objects.filter({ views__icontains: payload } as never).count());
        expect(onNumber.message).toMatch(/Unsupported lookup "icontains" for IntegerField inj\.Note\.views .*Choices are: exact, gt, gte, in, isnull, lt, lte, range\./);
        const isnull = await failure(() => Note.objects.filter({ title__isnull: payload } as never));
        expect(isnull.message).toBe(`The isnull lookup in "title__isnull" needs true or false; got ${JSON.stringify(payload)}.`);
      }
    });

    it('orderBy, values, valuesList, only, defer, selectRelated, prefetchRelated refuse unknown names', async () => {
      for (const payload of PAYLOADS) {
        for (const run of [
          () => Note.objects.orderBy(payload as never).fetchAll(),
          () => Note.objects.orderBy(`-${payload}` as never).fetchAll(),
          () => Note.objects.values(payload as never).fetchAll(),
          () => Note.objects.valuesList(payload as never).fetchAll(),
          () => Note.objects.valuesList(payload as never, { flat: true }).fetchAll(),
          () => Note.objects.only(payload).fetchAll(),
          () => Note.objects.defer(payload).fetchAll(),
          () => Note.objects.filter({ title: F(payload as never) }).count(),
          () => Note.objects.orderBy(F(payload as never).desc()).fetchAll(),
          () => Note.objects.annotate({ n: Count(payload as never) }).fetchAll(),
          () => Note.objects.aggregate({ n: Sum(payload as never) }),
          () => Note.objects.filter({ title: 'canary' }).update({ views: F(payload as never) }),
        ]) {
          const error = await failure(run);
          expect(error).toBeInstanceOf(FieldError);
          // the bad name, as JSON (orderBy('-x') names x)
          expect(error.message).toContain(JSON.stringify(payload.replace(/^-+/, '')).slice(1, -1));
          expect(error.message).toMatch(/Choices are: .*title/);
        }
        const related = await failure(() => Note.objects.selectRelated(payload).fetchAll());
        expect(related.message).toContain(`Invalid field name ${JSON.stringify(payload)} in selectRelated()`);
        const prefetch = await failure(() => Note.objects.prefetchRelated(payload).fetchAll());
        expect(prefetch.message).toMatch(new RegExp(`Cannot find .* on inj\\.Note for prefetchRelated\\(\\).*Choices are: .*comments.*tags`));
      }
    });

    it('annotation and aggregate names, update() and constructor keys are checked', async () => {
      // '_' is a valid identifier: a fine annotation name
      for (const payload of PAYLOADS.filter((p) => p !== '_')) {
        const name = JSON.stringify(payload);
        expect((await failure(() => Note.objects.annotate({ [payload]: Count('id') }))).message).toBe(`Annotation name ${name} must be an identifier without "__".`);
        expect((await failure(() => Note.objects.aggregate({ [payload]: Count('id') }))).message).toBe(`Aggregate name ${name} must be an identifier.`);
        const update = await failure(() => Note.objects.filter({ title: 'canary' }).update({ [payload]: 'x' } as never));
        expect(update.message).toMatch(new RegExp(`^update\\(\\): inj\\.Note has no concrete field .* Choices are: .*title`));
        const construct = await failure(() => new Note({ [payload]: 'x' } as never));
        expect(construct.message).toContain(`got an unexpected field ${name}`);
        expect(construct.message).toMatch(/Choices are: .*title/);
      }
    });
  });
});
