/**
 * Compile-time checks, run by `npm run typecheck -w @manouche/orm` (tsc over
 * src and test; Jest only transpiles). `@ts-expect-error` marks what must NOT
 * compile: a misspelled field, a lookup a field does not have, a wrong value;
 * tsc also fails if one of those lines starts compiling.
 */
import { expectTypeOf } from 'expect-type';
import { CASCADE, Count, defineModel, F, fields, type InstanceOf, Max, Q, type QuerySet, SET_NULL } from '../src/index';

const Author = defineModel('typ.Author', {
  fields: {
    name: fields.CharField({ maxLength: 100 }),
    email: fields.EmailField({ null: true }),
    born: fields.DateField({ null: true }),
  },
});
const Tag = defineModel('typ.Tag', { fields: { slug: fields.SlugField({ primaryKey: true }) } });
const Article = defineModel('typ.Article', {
  fields: {
    title: fields.CharField({ maxLength: 200 }),
    subtitle: fields.CharField({ maxLength: 200, null: true }),
    wordCount: fields.IntegerField({ null: true }),
    status: fields.CharField({ maxLength: 1, choices: [['d', 'Draft'], ['p', 'Published']], default: 'd' }),
    views: fields.IntegerField({ default: 0 }),
    rating: fields.DecimalField({ maxDigits: 4, decimalPlaces: 2, null: true }),
    published: fields.DateTimeField({ null: true }),
    active: fields.BooleanField({ default: true }),
    data: fields.JSONField<{ tags: string[] }>({ null: true }),
    author: fields.ForeignKey(() => Author, { onDelete: CASCADE, relatedName: 'articles' }),
    editor: fields.ForeignKey(() => Author, { onDelete: SET_NULL, null: true, relatedName: '+' }),
    parent: fields.ForeignKey('self', { onDelete: CASCADE, null: true }),
    tags: fields.ManyToManyField(() => Tag),
  },
});
const Profile = defineModel('typ.Profile', { fields: { author: fields.OneToOneField(() => Author, { onDelete: CASCADE, relatedName: 'profile' }), bio: fields.TextField() } });

declare module '../src/models/types' {
  interface ReverseRelations {
    'typ.Author': { articles: typeof Article; profile: ReverseOne<typeof Profile> };
  }
}

type ArticleRow = InstanceOf<typeof Article>;
type AuthorRow = InstanceOf<typeof Author>;

// never called: the assertions are checked by the compiler
function typeChecks(a: ArticleRow, author: AuthorRow): void {
  // ------------------------------------------------------------ row types inferred from fields
  expectTypeOf(a.id).toEqualTypeOf<number>();
  expectTypeOf(a.title).toEqualTypeOf<string>();
  expectTypeOf(a.status).toEqualTypeOf<'d' | 'p'>();
  expectTypeOf(a.rating).toEqualTypeOf<string | null>();
  expectTypeOf(a.published).toEqualTypeOf<Date | null>();
  expectTypeOf(a.active).toEqualTypeOf<boolean>();
  expectTypeOf(a.data).toEqualTypeOf<{ tags: string[] } | null>();
  expectTypeOf(a.authorId).toEqualTypeOf<number>();
  expectTypeOf(a.author.name).toEqualTypeOf<string>();
  expectTypeOf(a.editor).toEqualTypeOf<AuthorRow | null>();
  expectTypeOf(a.editorId).toEqualTypeOf<number | null>();
  expectTypeOf(a.parent).toEqualTypeOf<ArticleRow | null>();
  expectTypeOf(a.tags.all()).toEqualTypeOf<QuerySet<typeof Tag, InstanceOf<typeof Tag>, {}>>();
  expectTypeOf<InstanceOf<typeof Tag>['slug']>().toEqualTypeOf<string>();
  expectTypeOf(author.email).toEqualTypeOf<string | null>();
  expectTypeOf(author.born).toEqualTypeOf<string | null>();
  expectTypeOf(author.articles.all()).toEqualTypeOf<QuerySet<typeof Article, ArticleRow, {}>>();
  expectTypeOf(author.profile).toEqualTypeOf<InstanceOf<typeof Profile> | null>();
  expectTypeOf(a.related('author')).resolves.toEqualTypeOf<AuthorRow>();
  expectTypeOf(a.related('editor')).resolves.toEqualTypeOf<AuthorRow | null>();
  expectTypeOf(author.related('articles')).resolves.toEqualTypeOf<ArticleRow[]>();

  // @ts-expect-error a field that does not exist
  void a.titel;
  // @ts-expect-error the row type is checked on assignment too
  a.views = 'many';

  // ------------------------------------------------------------ null: true gives T | null, and only there
  expectTypeOf(a.subtitle).toEqualTypeOf<string | null>();
  expectTypeOf(a.wordCount).toEqualTypeOf<number | null>();
  expectTypeOf(a.views).toEqualTypeOf<number>();
  a.subtitle = null;
  a.wordCount = null;
  a.editor = null;
  // @ts-expect-error a field without null: true cannot be set to null
  a.title = null;
  // @ts-expect-error nor can its foreign key
  a.author = null;
  void Article.objects.create({ title: 'x', author, subtitle: null, wordCount: null });
  // @ts-expect-error null is not a value for a non-null field on create either
  void Article.objects.create({ title: null, author });

  // ------------------------------------------------------------ create input: required fields and value types
  void Article.objects.create({ title: 'x', author });
  void Article.objects.create({ title: 'x', authorId: 1, status: 'p', published: '2024-01-01T00:00:00Z' });
  // @ts-expect-error title is required (no default, not null)
  void Article.objects.create({ author });
  // @ts-expect-error a status that is not one of the choices
  void Article.objects.create({ title: 'x', author, status: 'z' });
  // @ts-expect-error an unknown field
  void Article.objects.create({ title: 'x', author, nope: 1 });
}

function lookupChecks(): void {
  // ------------------------------------------------------------ lookups: names, lookups, value types
  Article.objects.filter({ title__icontains: 'x', views__gte: 3, published__year: 2024, published__date__lt: '2024-01-01' });
  Article.objects.filter({ author__name__iexact: 'ann', author__email__isnull: true, tags__slug__in: ['a', 'b'] });
  Article.objects.filter({ parent__parent__title: 'grandparent', rating__range: ['1.00', '2.00'], status__in: ['d'] });
  Article.objects.filter({ views__gt: F('id') });
  Author.objects.filter({ articles__title__startswith: 'x', profile__bio__contains: 'y' });
  Article.objects.filter(Q<typeof Article>({ title: 'a' }).or(Q({ views: 1 })));
  // @ts-expect-error misspelled field
  Article.objects.filter({ titel: 'x' });
  // @ts-expect-error a lookup strings do not have on an integer field
  Article.objects.filter({ views__icontains: 3 });
  // @ts-expect-error regex is for text too
  Article.objects.filter({ views__regex: '^1' });
  // @ts-expect-error date parts exist on dates only
  Article.objects.filter({ title__year: 2020 });
  // @ts-expect-error a boolean has no ordering lookups
  Article.objects.filter({ active__gt: false });
  // @ts-expect-error JSON has no text lookups
  Article.objects.filter({ data__icontains: 'x' });
  // @ts-expect-error a misspelled lookup
  Article.objects.filter({ title__icontain: 'x' });
  // @ts-expect-error the lookup of the field at the end of a relation path is checked
  Article.objects.filter({ author__name__year: 2020 });
  // @ts-expect-error a lookup after a date part must be a comparison
  Article.objects.filter({ published__year__icontains: '20' });
  // @ts-expect-error wrong value type
  Article.objects.filter({ views: 'three' });
  // @ts-expect-error isnull takes a boolean
  Article.objects.filter({ published__isnull: 'yes' });
  // @ts-expect-error relations are followed only to existing fields
  Article.objects.filter({ author__nmae: 'x' });
  // @ts-expect-error typed Q objects are checked too
  Q<typeof Article>({ nope: 1 });

  // ------------------------------------------------------------ ordering and values
  Article.objects.orderBy('-published', 'title', 'author__name', '?');
  // @ts-expect-error unknown ordering field
  Article.objects.orderBy('-publishd');

  expectTypeOf(Article.objects.values('title', 'author__name')).resolves.toEqualTypeOf<Array<{ title: string; author__name: string }>>();
  expectTypeOf(Article.objects.values('editor__email')).resolves.toEqualTypeOf<Array<{ editor__email: string | null }>>();
  expectTypeOf(Article.objects.values('subtitle', 'wordCount', 'views')).resolves.toEqualTypeOf<Array<{ subtitle: string | null; wordCount: number | null; views: number }>>();
  void Article.objects.values('title', 'views').then((rows) => {
    // @ts-expect-error values('title', 'views') rows have just those keys
    void rows[0]!.author;
  });
  expectTypeOf(Article.objects.valuesList('wordCount', { flat: true })).resolves.toEqualTypeOf<Array<number | null>>();
  expectTypeOf(Article.objects.valuesList('id', 'title')).resolves.toEqualTypeOf<Array<[number, string]>>();
  expectTypeOf(Article.objects.valuesList('title', { flat: true })).resolves.toEqualTypeOf<string[]>();
  expectTypeOf(Article.objects.get({ id: 1 })).resolves.toEqualTypeOf<ArticleRow>();
  expectTypeOf(Article.objects.first()).resolves.toEqualTypeOf<ArticleRow | null>();
  expectTypeOf(Article.objects.count()).resolves.toEqualTypeOf<number>();
  // @ts-expect-error values() only takes fields of the model
  Article.objects.values('nope');

  // ------------------------------------------------------------ annotations join the row type and the lookups
  const annotated = Author.objects.annotate({ n: Count('articles'), last: Max<Date>('articles__published') });
  expectTypeOf(annotated.first()).resolves.toEqualTypeOf<(AuthorRow & { n: number; last: Date | null }) | null>();
  annotated.filter({ n__gt: 2 }).orderBy('-n');
  expectTypeOf(annotated.values('name', 'n')).resolves.toEqualTypeOf<Array<{ name: string; n: number }>>();
  expectTypeOf(Article.objects.aggregate({ total: Count('id') })).resolves.toEqualTypeOf<{ total: number }>();
}

describe('types', () => {
  it('type-checks (see the assertions above)', () => {
    expect(typeof typeChecks).toBe('function');
    expect(typeof lookupChecks).toBe('function');
  });
});
