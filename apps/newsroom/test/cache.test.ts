import { caches } from '@manouche/cache';
import { assertNumQueries } from '@manouche/orm';
import { Article, Section, Tag } from '../src/news/models';
import { createSite, makeArticle, type Newsroom, seedNewsroom, type Site } from './support';

describe('caching of the front page and the feeds', () => {
  let site: Site;
  let n: Newsroom;

  beforeAll(async () => {
    site = await createSite();
    n = await seedNewsroom();
  });
  afterAll(() => site.close());
  beforeEach(() => caches.default.clear());

  it('serves the front page listing from the cache until an article is saved', async () => {
    const article = await makeArticle(n.annAuthor, n.world, { title: 'Original headline' });
    const client = site.client();
    expect((await client.get('/')).text).toContain('Original headline');
    expect(await caches.default.get('home:page:1')).toEqual(expect.stringContaining('Original headline'));
    await assertNumQueries(0, async () => expect((await client.get('/')).text).toContain('Original headline'));

    article.title = 'Corrected headline';
    await article.save();
    expect(await caches.default.get('home:page:1')).toBeUndefined();
    const fresh = await client.get('/');
    expect(fresh.text).toContain('Corrected headline');
    expect(fresh.text).not.toContain('>Original headline<');
  });

  it('drops the cached pages when an article is deleted or its tags change', async () => {
    const article = await makeArticle(n.bobAuthor, n.tech, { title: 'Short-lived' });
    const client = site.client();
    await client.get('/');
    const tag = await Tag.objects.create({ name: 'Fresh tag', slug: 'fresh-tag' });
    await article.tags.add(tag);
    expect((await client.get('/')).text).toContain('#Fresh tag');
    await article.delete();
    expect((await client.get('/')).text).not.toContain('Short-lived');
  });

  it('caches the feeds and refreshes them when articles change', async () => {
    const article = await makeArticle(n.annAuthor, n.world, { title: 'Feed item' });
    const client = site.client();
    expect((await client.get('/feeds/latest.rss')).text).toContain('Feed item');
    await assertNumQueries(0, () => client.get('/feeds/latest.rss'));
    await assertNumQueries(0, async () => expect((await client.get('/feeds/latest.rss')).text).toContain('Feed item'));
    await Article.objects.filter({ id: article.id }).update({ title: 'Silently renamed' });
    // a queryset update() sends no signal (as in Django): the cached feed stays until a save
    expect((await client.get('/feeds/latest.rss')).text).toContain('Feed item');
    const reloaded = await Article.objects.get({ id: article.id });
    reloaded.status = 'draft';
    await reloaded.save();
    expect((await client.get('/feeds/latest.rss')).text).not.toContain('Silently renamed');
    expect((await client.get('/feeds/latest.atom')).text).not.toContain('Feed item');
  });

  it('refreshes the navigation when a section is renamed, and publishing from the desk refreshes the front page', async () => {
    const client = site.client();
    expect((await client.get('/')).text).toContain('>World</a>');
    const world = await Section.objects.get({ slug: 'world' });
    world.name = 'International';
    await world.save();
    expect((await client.get('/')).text).toContain('>International</a>');

    const draft = await makeArticle(n.annAuthor, n.tech, { title: 'Hold the front page', status: 'draft' });
    await client.get('/');
    const editor = site.client();
    await editor.post('/accounts/login/', { username: 'ella', password: 'correct horse battery staple' });
    expect((await editor.post(`/newsroom/articles/${draft.id}/publish/`, {})).status).toBe(302);
    expect((await client.get('/')).text).toContain('Hold the front page');
  });
});
