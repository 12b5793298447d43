import { User } from '@manouche/auth';
import { type AnyModel, CASCADE, defineModel, fields, Index, type InstanceOf, PROTECT, type ReverseOne, SET_NULL } from '@manouche/orm';

/** A part of the paper: World, Technology… (`/sections/<slug>/`). */
export const Section = defineModel('news.Section', {
  fields: {
    name: fields.CharField({ maxLength: 100 }),
    slug: fields.SlugField({ maxLength: 100, unique: true }),
    description: fields.TextField({ blank: true, default: '' }),
  },
  meta: { ordering: ['name'] },
});

/** The byline side of a user: who writes for the paper (`/authors/<slug>/`). */
export const Author = defineModel('news.Author', {
  fields: {
    user: fields.OneToOneField(() => User, { onDelete: CASCADE, relatedName: 'author' }),
    slug: fields.SlugField({ maxLength: 150, unique: true }),
    bio: fields.TextField({ blank: true, default: '' }),
  },
  meta: { ordering: ['slug'] },
});

export const Tag = defineModel('news.Tag', {
  fields: {
    name: fields.CharField({ maxLength: 50 }),
    slug: fields.SlugField({ maxLength: 50, unique: true }),
  },
  meta: { ordering: ['name'] },
});

export const STATUS_CHOICES = [
  ['draft', 'Draft'],
  ['published', 'Published'],
] as const;

export type ArticleStatus = (typeof STATUS_CHOICES)[number][0];

export const Article = defineModel('news.Article', {
  fields: {
    title: fields.CharField({ maxLength: 200 }),
    slug: fields.SlugField({ maxLength: 200, unique: true }),
    section: fields.ForeignKey(() => Section, { onDelete: PROTECT, relatedName: 'articles' }),
    author: fields.ForeignKey(() => Author, { onDelete: CASCADE, relatedName: 'articles' }),
    lead: fields.CharField({ maxLength: 300, blank: true, default: '' }),
    body: fields.TextField(),
    status: fields.CharField({ maxLength: 10, choices: STATUS_CHOICES, default: 'draft' }),
    publishedAt: fields.DateTimeField({ null: true, blank: true }),
    // the storage name of the uploaded picture (the ORM has no FileField: the storage API keeps the file)
    image: fields.CharField({ maxLength: 255, blank: true, default: '' }),
    tags: fields.ManyToManyField(() => Tag, { relatedName: 'articles', blank: true }),
    createdAt: fields.DateTimeField({ autoNowAdd: true }),
    updatedAt: fields.DateTimeField({ autoNow: true }),
  },
  meta: {
    ordering: ['-publishedAt', '-id'],
    // the front page, section and author pages all read "published, newest first"
    indexes: [Index({ fields: ['status', '-publishedAt'], name: 'news_article_published_idx' })],
    getLatestBy: 'publishedAt',
  },
});

export const Comment = defineModel('news.Comment', {
  fields: {
    article: fields.ForeignKey(() => Article, { onDelete: CASCADE, relatedName: 'comments' }),
    user: fields.ForeignKey(() => User, { onDelete: SET_NULL, null: true, relatedName: 'comments' }),
    body: fields.TextField(),
    // moderation: a hidden comment stays in the database but is not shown
    isPublic: fields.BooleanField({ default: true }),
    createdAt: fields.DateTimeField({ autoNowAdd: true }),
  },
  meta: { ordering: ['createdAt', 'id'] },
});

declare module '@manouche/orm' {
  interface ReverseRelations {
    'news.Section': { articles: typeof Article };
    'news.Author': { articles: typeof Article };
    'news.Tag': { articles: typeof Article };
    'news.Article': { comments: typeof Comment };
    'auth.User': { author: ReverseOne<typeof Author>; comments: typeof Comment };
  }
}

/**
 * Django's `__str__`: how an object reads in forms (the section choices) and
 * messages. defineModel() takes no methods, so it goes on the prototype.
 */
function describeAs<M extends AnyModel>(model: M, text: (instance: InstanceOf<M>) => string): void {
  Object.defineProperty(model.prototype, 'toString', {
    configurable: true,
    value(this: InstanceOf<M>) {
      return text(this);
    },
  });
}
describeAs(Section, (s) => s.name);
describeAs(Tag, (t) => t.name);
describeAs(Author, (a) => a.slug);
describeAs(Article, (a) => a.title);

export type SectionInstance = InstanceOf<typeof Section>;
export type AuthorInstance = InstanceOf<typeof Author>;
export type TagInstance = InstanceOf<typeof Tag>;
export type ArticleInstance = InstanceOf<typeof Article>;
export type CommentInstance = InstanceOf<typeof Comment>;

/** The models of the `news` app, in dependency order. */
export const newsModels = [Section, Author, Tag, Article, Comment] as const;
