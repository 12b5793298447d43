import { Http404, type HttpRequest, JsonResponse, path, requireSafe } from '@manouche/core';
import { Paginator } from '@manouche/orm';
import { type ArticleSummary, summarize } from '../present';
import { paginate, pageNumber, published, withRelated } from './listing';

/** Articles per page of /api/articles. */
export const API_PAGE_SIZE = 20;

function articleJson(request: HttpRequest, a: ArticleSummary) {
  const absolute = (url: string) => request.buildAbsoluteUri(url);
  return {
    id: a.id,
    title: a.title,
    slug: a.slug,
    url: absolute(request.app.reverse('article', { slug: a.slug })),
    apiUrl: absolute(request.app.reverse('api_article', { id: a.id })),
    lead: a.lead,
    image: a.image ? absolute(request.settings.MEDIA_URL + a.image) : null,
    publishedAt: a.publishedAt?.toISOString() ?? null,
    updatedAt: a.updatedAt.toISOString(),
    section: { name: a.section.name, slug: a.section.slug, url: absolute(request.app.reverse('section', { slug: a.section.slug })) },
    author: { name: a.author.name, slug: a.author.slug, url: absolute(request.app.reverse('author', { slug: a.author.slug })) },
    tags: a.tags.map((t) => ({ name: t.name, slug: t.slug })),
  };
}

/** API errors are JSON whatever the client accepts. */
function jsonErrors<P>(view: (request: HttpRequest, params: P) => Promise<JsonResponse>) {
  return async (request: HttpRequest, params: P): Promise<JsonResponse> => {
    try {
      return await view(request, params);
    } catch (error) {
      if (error instanceof Http404) return new JsonResponse({ error: { status: 404, message: error.message } }, { status: 404 });
      throw error;
    }
  };
}

/** `GET /api/articles?page=N`: published articles, newest first, with links to the neighbouring pages. */
export const articleList = requireSafe(
  jsonErrors(async (request: HttpRequest) => {
    const paginator = new Paginator(withRelated(published()), API_PAGE_SIZE);
    const page = await paginate(paginator, pageNumber(request));
    const link = (n: number) => request.buildAbsoluteUri(request.app.reverse('api_articles', {}, { query: { page: String(n) } }));
    return new JsonResponse({
      count: await paginator.count(),
      numPages: await paginator.numPages(),
      page: page.number,
      next: page.hasNext() ? link(page.nextPageNumber()) : null,
      previous: page.hasPrevious() ? link(page.previousPageNumber()) : null,
      results: page.objectList.map((a) => articleJson(request, summarize(a))),
    });
  }),
);

/** `GET /api/articles/<id>`: one published article, with its text and comment count. */
export const articleItem = requireSafe(
  jsonErrors(async (request: HttpRequest, { id }: { id: number }) => {
    const article = await withRelated(published()).filter({ id }).first();
    if (!article) throw new Http404(`No published article with id ${id}.`);
    const comments = await article.comments.filter({ isPublic: true }).count();
    return new JsonResponse({ ...articleJson(request, summarize(article)), body: article.body, comments });
  }),
);

export const apiUrls = [
  path('api/articles', articleList, { name: 'api_articles' }),
  path('api/articles/<int:id>', articleItem, { name: 'api_article' }),
];
