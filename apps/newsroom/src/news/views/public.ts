import { loginRequired, messages } from '@manouche/auth';
import { Http404, type HttpRequest, HttpResponseRedirect, markSafe, requireGET, requirePOST } from '@manouche/core';
import { getObjectOr404, Q } from '@manouche/orm';
import { render } from '@manouche/templates';
import { CommentForm } from '../forms';
import { Article, Author, Comment, Section, Tag } from '../models';
import { canEdit } from '../permissions';
import { summarize } from '../present';
import { pageNumber, published, renderListing, withRelated } from './listing';
import { currentUser } from './users';

/** Articles on a page of the front page (the other listings show PER_PAGE). */
export const HOME_PER_PAGE = 20;

/** The front page: the latest published articles (cached for anonymous readers in urls.ts). */
export const home = requireGET(async (request: HttpRequest) => {
  const listing = await renderListing(request, published(), pageNumber(request), { perPage: HOME_PER_PAGE });
  return render(request, 'news/home.eta', { listing: markSafe(listing) });
});

export const sectionPage = requireGET(async (request: HttpRequest, { slug }: { slug: string }) => {
  const section = await getObjectOr404(Section, { slug });
  const listing = await renderListing(request, published().filter({ section }), pageNumber(request), { empty: 'Nothing published in this section yet.' });
  return render(request, 'news/listing.eta', {
    heading: section.name,
    description: section.description,
    listing: markSafe(listing),
    feeds: { rss: request.app.reverse('section_feed_rss', { slug }), atom: request.app.reverse('section_feed_atom', { slug }) },
  });
});

export const tagPage = requireGET(async (request: HttpRequest, { slug }: { slug: string }) => {
  const tag = await getObjectOr404(Tag, { slug });
  const listing = await renderListing(request, published().filter({ tags: tag }), pageNumber(request), { empty: 'No published article has this tag yet.' });
  return render(request, 'news/listing.eta', { heading: `#${tag.name}`, listing: markSafe(listing) });
});

export const authorPage = requireGET(async (request: HttpRequest, { slug }: { slug: string }) => {
  const author = await getObjectOr404(Author.objects.selectRelated('user'), { slug });
  const listing = await renderListing(request, published().filter({ author }), pageNumber(request), { empty: 'No published article by this author yet.' });
  return render(request, 'news/listing.eta', { heading: author.user.getFullName() || author.user.username, description: author.bio, listing: markSafe(listing) });
});

/** The longest search accepted (longer input is cut, not refused). */
const MAX_QUERY = 100;

/** Search in titles and texts (case-insensitive `icontains`, parameters bound by the ORM). */
export const search = requireGET(async (request: HttpRequest) => {
  const q = (request.query.get('q') ?? '').trim().slice(0, MAX_QUERY);
  if (!q) return render(request, 'news/search.eta', { q: '', count: 0 });
  const matches = published().filter(Q({ title__icontains: q }).or(Q({ body__icontains: q })));
  const listing = await renderListing(request, matches, pageNumber(request), { query: `q=${encodeURIComponent(q)}`, empty: 'No article matches.' });
  return render(request, 'news/search.eta', { q, count: await matches.count(), listing: markSafe(listing) });
});

async function articleFor(request: HttpRequest, slug: string) {
  const article = await getObjectOr404(withRelated(Article.objects.all()), { slug });
  const user = await request.auser();
  const editable = await canEdit(user, article.author);
  // drafts are previews for the people who may edit them; everyone else gets the same 404 as for a missing one
  if (article.status !== 'published' && !editable) throw new Http404(`No published article ${JSON.stringify(slug)}.`);
  return { article, editable };
}

async function articlePage(request: HttpRequest, slug: string, form = new CommentForm()) {
  const { article, editable } = await articleFor(request, slug);
  const comments = await article.comments.filter({ isPublic: true }).selectRelated('user');
  return render(request, 'news/article.eta', {
    article: summarize(article),
    body: article.body,
    canEdit: editable,
    comments: comments.map((c) => ({ id: c.id, body: c.body, createdAt: c.createdAt, author: c.user ? c.user.getUsername() : 'A former reader' })),
    form,
  });
}

export const articleDetail = requireGET((request: HttpRequest, { slug }: { slug: string }) => articlePage(request, slug));

/** Post a comment (logged-in readers); it shows at once, and editors can hide it. */
export const postComment = loginRequired(
  requirePOST(async (request: HttpRequest, { slug }: { slug: string }) => {
    const form = new CommentForm({ data: await request.form() });
    if (!form.isValid()) return articlePage(request, slug, form);
    const { article } = await articleFor(request, slug);
    if (article.status !== 'published') throw new Http404('Comments are open on published articles only.');
    const comment = await Comment.objects.create({ article, user: await currentUser(request), body: form.cleanedData.body });
    messages.success(request, 'Thank you: your comment is published.');
    return new HttpResponseRedirect(`${request.app.reverse('article', { slug })}#comment-${comment.id}`);
  }),
);
