import { loginRequired, messages, type UserInstance } from '@manouche/auth';
import { Http404, type HttpRequest, HttpResponseRedirect, path, requireHttpMethods, requirePOST } from '@manouche/core';
import type { UploadedImage } from '@manouche/forms';
import { atomic, getObjectOr404, Paginator } from '@manouche/orm';
import { filters, render } from '@manouche/templates';
import { ArticleForm, parseTagNames } from '../forms';
import { deleteImage, saveArticleImage } from '../images';
import { Article, type ArticleInstance, Author, Comment, Tag } from '../models';
import { canDelete, canEdit, canModerate, canPublish, canWrite, denyUnless } from '../permissions';
import { summarize } from '../present';
import { uniqueSlug } from '../slugs';
import { paginate, pageNumber } from './listing';
import { currentUser } from './users';

const STAFF_PAGE_SIZE = 25;

/** The article `id` with what the permission checks and the pages need. */
function staffArticle(id: number) {
  return getObjectOr404(Article.objects.selectRelated('section', 'author__user').prefetchRelated('tags'), { id });
}

/** The newsroom's desk: the articles this user may edit (their own; everyone's for editors). */
export const dashboard = loginRequired(async (request: HttpRequest) => {
  const user = await currentUser(request);
  denyUnless(await canWrite(user), 'use the newsroom');
  const [everyone, publisher, moderator] = await Promise.all([user.hasPerm('news.edit_any_article'), user.hasPerm('news.publish_article'), canModerate(user)]);
  const articles = Article.objects.selectRelated('section', 'author__user').prefetchRelated('tags').orderBy('-updatedAt', '-id');
  const paginator = new Paginator(everyone ? articles : articles.filter({ author__user: user }), STAFF_PAGE_SIZE);
  const page = await paginate(paginator, pageNumber(request));
  const canDeleteAny = await user.hasPerm('news.delete_article');
  const rows = page.objectList.map((article) => ({ ...summarize(article), canPublish: publisher, canDelete: canDeleteAny }));
  return render(request, 'staff/dashboard.eta', { page, rows, pageRange: await paginator.getElidedPageRange(page.number), everyone, moderator });
});

/** The byline of `user`, created the first time they write. */
async function authorFor(user: UserInstance) {
  const existing = await Author.objects.filter({ user }).first();
  return existing ?? Author.objects.create({ user, slug: await uniqueSlug(Author, user.username) });
}

/** Tags by name, created when new (`Climate` and `climate` are one tag). */
async function tagsNamed(names: readonly string[]) {
  const tags = [];
  for (const name of names) {
    const slug = String(filters.slugify(name)).slice(0, 50) || 'tag';
    const [tag] = await Tag.objects.getOrCreate({ slug }, { name });
    tags.push(tag);
  }
  return tags;
}

/** The article form, for a new article (`article` null) or an existing one. */
async function articleForm(request: HttpRequest, article: ArticleInstance | null) {
  const user = await currentUser(request);
  if (article) denyUnless(await canEdit(user, article.author), 'edit this article');
  else denyUnless(await canWrite(user), 'write articles');
  const initial = article
    ? { tagNames: (article.tags.cached ?? []).map((t) => t.name).join(', '), image: article.image ? { name: article.image, url: request.settings.MEDIA_URL + article.image } : null }
    : {};
  const form = await ArticleForm.fromRequest(request, { instance: article ?? undefined, initial });
  const mayPublish = article ? await canPublish(user, article.author) : await user.hasPerm('news.publish_article');
  if (request.method === 'POST' && (await form.validate())) {
    const publish = (await request.form()).get('action') === 'publish';
    denyUnless(!publish || mayPublish, 'publish articles');
    const saved = await form.save({ commit: false });
    if (!article) {
      saved.author = await authorFor(user);
      saved.slug = await uniqueSlug(Article, saved.title);
    }
    const { image, tagNames } = form.cleanedData;
    const previousImage = saved.image;
    if (image === false) saved.image = '';
    else if (image && 'image' in image) saved.image = await saveArticleImage(request, saved.slug, image as UploadedImage);
    if (publish) {
      saved.status = 'published';
      saved.publishedAt ??= new Date();
    }
    const tags = await tagsNamed(parseTagNames(tagNames));
    await atomic(async () => {
      await saved.save();
      await saved.tags.set(tags);
    });
    if (previousImage && previousImage !== saved.image) await deleteImage(request, previousImage);
    messages.success(request, publish ? `“${saved.title}” is published.` : article ? `“${saved.title}” was saved.` : `“${saved.title}” was saved as a draft.`);
    return new HttpResponseRedirect(request.app.reverse('article', { slug: saved.slug }));
  }
  await form.load();
  return render(request, 'staff/article_form.eta', { form, article: article ? summarize(article) : null, mayPublish }, { status: request.method === 'POST' ? 400 : 200 });
}

export const articleCreate = loginRequired(requireHttpMethods(['GET', 'POST'])((request: HttpRequest) => articleForm(request, null)));

export const articleEdit = loginRequired(requireHttpMethods(['GET', 'POST'])(async (request: HttpRequest, { id }: { id: number }) => articleForm(request, await staffArticle(id))));

function setStatus(status: 'published' | 'draft') {
  return loginRequired(
    requirePOST(async (request: HttpRequest, { id }: { id: number }) => {
      const user = await currentUser(request);
      const article = await staffArticle(id);
      denyUnless(await canPublish(user, article.author), status === 'published' ? 'publish this article' : 'unpublish this article');
      article.status = status;
      if (status === 'published') article.publishedAt ??= new Date();
      await article.save({ updateFields: ['status', 'publishedAt', 'updatedAt'] });
      messages.success(request, status === 'published' ? `“${article.title}” is published.` : `“${article.title}” is back to draft: readers no longer see it.`);
      return new HttpResponseRedirect(request.app.reverse('staff:dashboard'));
    }),
  );
}

export const articlePublish = setStatus('published');
export const articleUnpublish = setStatus('draft');

/** Delete, after a confirmation page. */
export const articleDelete = loginRequired(
  requireHttpMethods(['GET', 'POST'])(async (request: HttpRequest, { id }: { id: number }) => {
    const user = await currentUser(request);
    const article = await staffArticle(id);
    denyUnless(await canDelete(user, article.author), 'delete this article');
    if (request.method === 'POST') {
      await article.delete();
      await deleteImage(request, article.image);
      messages.success(request, `“${article.title}” was deleted.`);
      return new HttpResponseRedirect(request.app.reverse('staff:dashboard'));
    }
    return render(request, 'staff/article_delete.eta', { article: summarize(article) });
  }),
);

/** Comment moderation: the latest comments, hidden ones included. */
export const comments = loginRequired(async (request: HttpRequest) => {
  denyUnless(await canModerate(await currentUser(request)), 'moderate comments');
  const paginator = new Paginator(Comment.objects.selectRelated('article', 'user').orderBy('-createdAt', '-id'), STAFF_PAGE_SIZE);
  const page = await paginate(paginator, pageNumber(request));
  return render(request, 'staff/comments.eta', { page, pageRange: await paginator.getElidedPageRange(page.number) });
});

const MODERATION = {
  hide: { isPublic: false, message: 'The comment is hidden.' },
  show: { isPublic: true, message: 'The comment is visible again.' },
} as const;

export const moderateComment = loginRequired(
  requirePOST(async (request: HttpRequest, { id, action }: { id: number; action: string }) => {
    denyUnless(await canModerate(await currentUser(request)), 'moderate comments');
    const comment = await getObjectOr404(Comment, { id });
    if (action === 'delete') {
      await comment.delete();
      messages.success(request, 'The comment was deleted.');
    } else if (action === 'hide' || action === 'show') {
      comment.isPublic = MODERATION[action].isPublic;
      await comment.save({ updateFields: ['isPublic'] });
      messages.success(request, MODERATION[action].message);
    } else {
      throw new Http404(`Unknown moderation action ${JSON.stringify(action)}: hide, show or delete.`);
    }
    return new HttpResponseRedirect(request.app.reverse('staff:comments'));
  }),
);

export const staffUrls = [
  path('', dashboard, { name: 'dashboard' }),
  path('articles/new/', articleCreate, { name: 'article_create' }),
  path('articles/<int:id>/edit/', articleEdit, { name: 'article_edit' }),
  path('articles/<int:id>/publish/', articlePublish, { name: 'article_publish' }),
  path('articles/<int:id>/unpublish/', articleUnpublish, { name: 'article_unpublish' }),
  path('articles/<int:id>/delete/', articleDelete, { name: 'article_delete' }),
  path('comments/', comments, { name: 'comments' }),
  path('comments/<int:id>/<slug:action>/', moderateComment, { name: 'comment_moderate' }),
];
