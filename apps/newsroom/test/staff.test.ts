import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { caches } from '@manouche/cache';
import { Article, Comment, Tag } from '../src/news/models';
import { createSite, csrfTokenIn, logIn, makeArticle, type Newsroom, pngBytes, seedNewsroom, type Site } from './support';

describe('the newsroom: writing, publishing, moderating', () => {
  let site: Site;
  let n: Newsroom;

  beforeAll(async () => {
    site = await createSite();
    n = await seedNewsroom();
  });
  afterAll(() => site.close());
  beforeEach(() => caches.default.clear());

  const loggedIn = async (username: string) => {
    const client = site.client();
    await logIn(client, username);
    return client;
  };

  it('keeps the desk for writers: anonymous visitors go to the login page, readers get a 403', async () => {
    const anonymous = await site.client().get('/newsroom/');
    expect(anonymous.status).toBe(302);
    expect(anonymous.url).toBe('/accounts/login/?next=/newsroom/');
    const reader = await loggedIn('reader');
    const refused = await reader.get('/newsroom/');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('<h1>Forbidden</h1>');
    expect(refused.text).toContain('You may not use the newsroom.');
    expect((await reader.get('/newsroom/articles/new/')).status).toBe(403);
  });

  it('lets an author write a draft with a picture and tags, without publishing it', async () => {
    const ann = await loggedIn('ann');
    const form = await ann.get('/newsroom/articles/new/');
    expect(form.status).toBe(200);
    expect(form.text).toContain('enctype="multipart/form-data"');
    expect(form.text).toContain('<option value="' + n.world.id + '">World</option>');
    expect(form.text).not.toContain('Save and publish'); // authors may not publish
    const saved = await ann.post('/newsroom/articles/new/', {
      title: 'Rivers run high',
      section: String(n.world.id),
      lead: 'Heavy rain all week.',
      body: 'Paragraph one.\n\nParagraph two.',
      tagNames: 'Climate, Weather, climate',
      image: { name: 'river photo.PNG', content: pngBytes(4, 3), contentType: 'image/png' },
      action: 'save',
    });
    expect(saved.status).toBe(302);
    const article = await Article.objects.get({ title: 'Rivers run high' });
    expect(saved.url).toBe(`/articles/${article.slug}/`);
    expect(article).toMatchObject({ slug: 'rivers-run-high', status: 'draft', publishedAt: null, image: 'articles/rivers-run-high.png', authorId: n.annAuthor.id });
    expect((await article.tags.all()).map((t) => t.name).sort()).toEqual(['Climate', 'Weather']);
    expect(await Tag.objects.count()).toBe(2);
    expect(existsSync(join(site.mediaRoot, 'articles', 'rivers-run-high.png'))).toBe(true);
    const preview = await ann.get(saved.url!);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('“Rivers run high” was saved as a draft.');
    expect(preview.text).toContain('<span class="badge badge-draft">Draft</span>');
    expect(preview.text).toContain('<img src="/media/articles/rivers-run-high.png" alt="">');
    const picture = await ann.get('/media/articles/rivers-run-high.png');
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/png');
    expect(picture.headers.get('x-content-type-options')).toBe('nosniff');
    // readers do not see drafts
    expect((await site.client().get(saved.url!)).status).toBe(404);
    // and the author may not publish it through the back door
    const publish = await ann.post(`/newsroom/articles/${article.id}/publish/`, {});
    expect(publish.status).toBe(403);
    const sneaky = await ann.post(`/newsroom/articles/${article.id}/edit/`, { title: 'Rivers run high', section: String(n.world.id), body: 'x', action: 'publish' });
    expect(sneaky.status).toBe(403);
    expect((await Article.objects.get({ id: article.id })).status).toBe('draft');
  });

  it('refuses a file that is not a picture, whatever its name says', async () => {
    const ann = await loggedIn('ann');
    const response = await ann.post('/newsroom/articles/new/', {
      title: 'Not a picture',
      section: String(n.world.id),
      body: 'Text.',
      image: { name: 'evil.png', content: '<svg onload="alert(1)"></svg>', contentType: 'image/png' },
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Upload a valid image.');
    expect(response.text).toContain('value="Not a picture"');
    expect(await Article.objects.filter({ title: 'Not a picture' }).exists()).toBe(false);
  });

  it("forbids an author to edit or delete another author's article (403), and lets an editor do both", async () => {
    const bobs = await makeArticle(n.bobAuthor, n.tech, { title: "Bob's scoop" });
    const ann = await loggedIn('ann');
    expect((await ann.get(`/newsroom/articles/${bobs.id}/edit/`)).status).toBe(403);
    const post = await ann.post(`/newsroom/articles/${bobs.id}/edit/`, { title: 'Hijacked', section: String(n.tech.id), body: 'Mine now.' });
    expect(post.status).toBe(403);
    expect(post.text).toContain('You may not edit this article.');
    expect((await ann.get(`/newsroom/articles/${bobs.id}/delete/`)).status).toBe(403);
    expect((await ann.post(`/newsroom/articles/${bobs.id}/delete/`, {})).status).toBe(403);
    expect((await Article.objects.get({ id: bobs.id })).title).toBe("Bob's scoop");
    // the article page offers the edit link to those who may use it only
    expect((await ann.get(`/articles/${bobs.slug}/`)).text).not.toContain('Edit this article');

    const ella = await loggedIn('ella');
    expect((await ella.get(`/articles/${bobs.slug}/`)).text).toContain('Edit this article');
    const edited = await ella.post(`/newsroom/articles/${bobs.id}/edit/`, { title: "Bob's scoop, updated", section: String(n.tech.id), lead: '', body: 'Checked by the desk.', tagNames: '', action: 'save' });
    expect(edited.status).toBe(302);
    const after = await Article.objects.get({ id: bobs.id });
    expect(after).toMatchObject({ title: "Bob's scoop, updated", slug: bobs.slug, authorId: n.bobAuthor.id });
    const confirm = await ella.get(`/newsroom/articles/${bobs.id}/delete/`);
    expect(confirm.text).toContain('Delete “Bob&#x27;s scoop, updated”?');
    const deleted = await ella.post(`/newsroom/articles/${bobs.id}/delete/`, {}, { followRedirects: true });
    expect(deleted.text).toContain('was deleted.');
    expect(await Article.objects.filter({ id: bobs.id }).exists()).toBe(false);
  });

  it('lets an editor publish and unpublish, which readers see at once', async () => {
    const draft = await makeArticle(n.annAuthor, n.world, { title: 'Embargoed report', status: 'draft' });
    const ella = await loggedIn('ella');
    const desk = await ella.get('/newsroom/');
    expect(desk.text).toContain('<h1>All articles</h1>');
    expect(desk.text).toContain('Embargoed report');
    expect((await site.client().get('/')).text).not.toContain('Embargoed report');
    const published = await ella.post(`/newsroom/articles/${draft.id}/publish/`, {}, { followRedirects: true });
    expect(published.text).toContain('“Embargoed report” is published.');
    const live = await Article.objects.get({ id: draft.id });
    expect(live.status).toBe('published');
    expect(live.publishedAt).toBeInstanceOf(Date);
    expect((await site.client().get('/')).text).toContain('Embargoed report');
    const unpublished = await ella.post(`/newsroom/articles/${draft.id}/unpublish/`, {}, { followRedirects: true });
    expect(unpublished.text).toContain('is back to draft');
    expect((await site.client().get('/')).text).not.toContain('Embargoed report');
    expect((await site.client().get(`/articles/${draft.slug}/`)).status).toBe(404);
    expect((await ella.get(`/newsroom/articles/${draft.id}/publish/`)).status).toBe(405);
  });

  it('lets an editor write and publish in one go, replacing and clearing the picture later', async () => {
    const ella = await loggedIn('ella');
    expect((await ella.get('/newsroom/articles/new/')).text).toContain('Save and publish');
    const created = await ella.post('/newsroom/articles/new/', {
      title: 'Breaking',
      section: String(n.tech.id),
      body: 'Now.',
      image: { name: 'a.png', content: pngBytes(), contentType: 'image/png' },
      action: 'publish',
    });
    expect(created.status).toBe(302);
    const article = await Article.objects.get({ title: 'Breaking' });
    expect(article.status).toBe('published');
    expect(article.authorId).not.toBeNull();
    const first = article.image;
    const replaced = await ella.post(`/newsroom/articles/${article.id}/edit/`, { title: 'Breaking', section: String(n.tech.id), body: 'Now.', image: { name: 'b.png', content: pngBytes(3, 3), contentType: 'image/png' } });
    expect(replaced.status).toBe(302);
    const second = (await Article.objects.get({ id: article.id })).image;
    expect(existsSync(join(site.mediaRoot, first))).toBe(false);
    expect(existsSync(join(site.mediaRoot, second))).toBe(true);
    const cleared = await ella.post(`/newsroom/articles/${article.id}/edit/`, { title: 'Breaking', section: String(n.tech.id), body: 'Now.', 'image-clear': 'on' });
    expect(cleared.status).toBe(302);
    expect((await Article.objects.get({ id: article.id })).image).toBe('');
    expect(existsSync(join(site.mediaRoot, second))).toBe(false);
  });

  it('takes comments from logged-in readers only, and shows errors in the form', async () => {
    const article = await makeArticle(n.annAuthor, n.world, { title: 'Open thread' });
    const anonymous = await site.client().post(`/articles/${article.slug}/comments/`, { body: 'Hello' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.url).toBe(`/accounts/login/?next=/articles/${article.slug}/comments/`);
    const reader = await loggedIn('reader');
    const empty = await reader.post(`/articles/${article.slug}/comments/`, { body: '' });
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('This field is required.');
    const posted = await reader.post(`/articles/${article.slug}/comments/`, { body: 'First!' });
    expect(posted.status).toBe(302);
    expect(posted.url).toMatch(new RegExp(`^/articles/${article.slug}/#comment-\\d+$`));
    const page = await reader.get(`/articles/${article.slug}/`);
    expect(page.text).toContain('Thank you: your comment is published.');
    expect(page.text).toContain('<strong>reader</strong>');
    expect(page.text).toContain('First!');
    const draft = await makeArticle(n.annAuthor, n.world, { status: 'draft' });
    expect((await reader.post(`/articles/${draft.slug}/comments/`, { body: 'Sneaky' })).status).toBe(404);
  });

  it('lets editors hide, show and delete comments, and nobody else', async () => {
    const article = await makeArticle(n.annAuthor, n.world, { title: 'Heated debate' });
    const comment = await Comment.objects.create({ article, user: n.reader, body: 'Rude remark' });
    const ann = await loggedIn('ann');
    expect((await ann.get('/newsroom/comments/')).status).toBe(403);
    expect((await ann.post(`/newsroom/comments/${comment.id}/hide/`, {})).status).toBe(403);
    const ella = await loggedIn('ella');
    const list = await ella.get('/newsroom/comments/');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Rude remark');
    const hidden = await ella.post(`/newsroom/comments/${comment.id}/hide/`, {}, { followRedirects: true });
    expect(hidden.text).toContain('The comment is hidden.');
    expect((await site.client().get(`/articles/${article.slug}/`)).text).not.toContain('Rude remark');
    await ella.post(`/newsroom/comments/${comment.id}/show/`, {});
    expect((await site.client().get(`/articles/${article.slug}/`)).text).toContain('Rude remark');
    expect((await ella.post(`/newsroom/comments/${comment.id}/explode/`, {})).status).toBe(404);
    const deleted = await ella.post(`/newsroom/comments/${comment.id}/delete/`, {}, { followRedirects: true });
    expect(deleted.text).toContain('The comment was deleted.');
    expect(await Comment.objects.filter({ id: comment.id }).exists()).toBe(false);
  });

  it('puts a CSRF token in every form of the desk', async () => {
    const ella = await loggedIn('ella');
    for (const path of ['/newsroom/', '/newsroom/articles/new/', '/newsroom/comments/', '/accounts/profile/']) {
      const html = (await ella.get(path)).text;
      const forms = html.match(/<form method="post"/g) ?? [];
      const tokens = html.match(/name="csrfmiddlewaretoken"/g) ?? [];
      expect(forms.length).toBeGreaterThan(0);
      expect(tokens.length).toBe(forms.length);
      expect(csrfTokenIn(html)).toHaveLength(64);
    }
  });
});
