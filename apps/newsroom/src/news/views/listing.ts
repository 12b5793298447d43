import { Http404, type HttpRequest } from '@manouche/core';
import { InvalidPage, Paginator, type QuerySet } from '@manouche/orm';
import { engines } from '@manouche/templates';
import { Article } from '../models';
import { summarize } from '../present';

/** Articles per page on the front page and the listings. */
export const PER_PAGE = 10;

/** The articles readers see: published ones, newest first. */
export function published() {
  return Article.objects.filter({ status: 'published' });
}

/** Everything a listing shows, in a fixed number of queries: the count, the page with its joins, the page's tags. */
export function withRelated(articles: QuerySet<typeof Article>) {
  return articles.selectRelated('section', 'author__user').prefetchRelated('tags');
}

/** The `?page=` number: 1 when absent, a 404 when it is not a positive integer. */
export function pageNumber(request: HttpRequest): number {
  const raw = request.query.get('page');
  if (raw === null || raw === undefined || raw === '') return 1;
  if (!/^[1-9]\d{0,5}$/.test(raw)) throw new Http404(`Invalid page ${JSON.stringify(raw)}: pages are numbered from 1.`);
  return Number(raw);
}

/** Page `number` of `articles`, or a 404 past the last page. */
export async function paginate<T>(items: Paginator<T>, number: number) {
  try {
    return await items.page(number);
  } catch (error) {
    if (error instanceof InvalidPage) throw new Http404(`Page ${number}: ${error.message}.`);
    throw error;
  }
}

export interface ListingOptions {
  /** Query string kept in the page links (the search words). */
  query?: string;
  /** What to say when there is nothing. */
  empty?: string;
  /** Articles a page (default PER_PAGE). */
  perPage?: number;
}

/**
 * The HTML of one page of article cards with its pagination links. Rendered
 * without the request (no user, no CSRF token in it): the same for every reader.
 */
export async function renderListing(request: HttpRequest, articles: QuerySet<typeof Article>, number: number, options: ListingOptions = {}): Promise<string> {
  const paginator = new Paginator(withRelated(articles), options.perPage ?? PER_PAGE);
  const page = await paginate(paginator, number);
  const pageRange = await paginator.getElidedPageRange(page.number, { onEachSide: 2, onEnds: 1 });
  return engines(request.app).renderToString(
    'partials/_listing.eta',
    { page, articles: page.objectList.map(summarize), pageRange, query: options.query, empty: options.empty, MEDIA_URL: request.settings.MEDIA_URL },
    undefined,
  );
}
