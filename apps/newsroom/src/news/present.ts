import type { ArticleInstance, AuthorInstance, TagInstance } from './models';

/**
 * What the pages, the feeds and the API show of an article, read from an
 * article loaded with `selectRelated('section', 'author__user')` and
 * `prefetchRelated('tags')`: plain data, no query.
 */
export interface ArticleSummary {
  id: number;
  title: string;
  slug: string;
  lead: string;
  image: string;
  status: string;
  publishedAt: Date | null;
  updatedAt: Date;
  section: { name: string; slug: string };
  author: { name: string; slug: string };
  tags: Array<{ name: string; slug: string }>;
}

export function authorName(author: AuthorInstance): string {
  return author.user.getFullName() || author.user.username;
}

export function summarize(article: ArticleInstance): ArticleSummary {
  const tags: TagInstance[] = article.tags.cached ?? [];
  return {
    id: article.id,
    title: article.title,
    slug: article.slug,
    lead: article.lead,
    image: article.image,
    status: article.status,
    publishedAt: article.publishedAt,
    updatedAt: article.updatedAt,
    section: { name: article.section.name, slug: article.section.slug },
    author: { name: authorName(article.author), slug: article.author.slug },
    tags: tags.map((t) => ({ name: t.name, slug: t.slug })),
  };
}
