import { caches } from '@manouche/cache';
import { assertNumQueries, captureQueries } from '@manouche/orm';
import { Article, Section, Tag } from '../src/news/models';
import { createSite, logIn, makeArticle, type Newsroom, seedNewsroom, type Site } from './support';

/** How many queries a request ran: 0 when the page came from the page cache. */
async function queriesOf(request: () => Promise<unknown>): Promise<number> {
  return (await captureQueries(request)).queries.length;
}

describe('page cache of the front page and the feeds', () => {
  let site: Site;
  let n: Newsroom;

  beforeAll(async () => {
    site = await createSite();
    n = await seedNewsroom();
  });
  afterAll(() => site.close());
  beforeEach(() => caches.default.clear());

  it('serves the second anonymous request for the front page from the cache, without a query', async () => {
    await makeArticle(n.annAuthor, n.world, { title: 'Original headline' });
    const client = site.client();
    const first = await client.get('/');
    expect(first.status).toBe(200);
    expect(first.text).toContain('Original headline');
    await assertNumQueries(0, async () => {
      const again = await client.get('/');
      expect(again.status).toBe(200);
      expect(again.text).toBe(first.text);
      expect(again.headers.get('age')).toBeDefined();
      expect(again.headers.get('cache-control')).toBe('max-age=300');
      // so that a browser does not keep showing the anonymous page once its user logs in
      expect(again.headers.get('vary')).toMatch(/\bCookie\b/);
    });
    // other pages are not cached
    expect(await queriesOf(() => client.get('/search/', { q: 'Original' }))).toBeGreaterThan(0);
  });

  it('drops the cached front page and feeds when an article is saved', async () => {
    const article = await makeArticle(n.annAuthor, n.world, { title: 'First headline' });
    const client = site.client();
    expect((await client.get('/')).text).toContain('First headline');
    expect((await client.get('/feeds/latest.rss')).text).toContain('First headline');
    article.title = 'Corrected headline';
    await article.save();
    const fresh = await client.get('/');
    expect(fresh.text).toContain('Corrected headline');
    expect(fresh.text).not.toContain('>First headline<');
    const feed = (await client.get('/feeds/latest.rss')).text;
    expect(feed).toContain('<title>Corrected headline</title>');
    expect(feed).not.toContain('<title>First headline</title>');
  });

  it('drops them when an article is unpublished', async () => {
    const article = await makeArticle(n.annAuthor, n.world, { title: 'Published by mistake' });
    const client = site.client();
    expect((await client.get('/')).text).toContain('Published by mistake');
    expect((await client.get('/feeds/latest.atom')).text).toContain('Published by mistake');
    await assertNumQueries(0, () => client.get('/feeds/latest.atom'));
    article.status = 'draft';
    await article.save();
    expect((await client.get('/')).text).not.toContain('Published by mistake');
    expect((await client.get('/feeds/latest.atom')).text).not.toContain('Published by mistake');
  });

  it('drops them when an article is deleted or its tags change', async () => {
    const article = await makeArticle(n.bobAuthor, n.tech, { title: 'Short-lived' });
    const client = site.client();
    await client.get('/');
    const tag = await Tag.objects.create({ name: 'Fresh tag', slug: 'fresh-tag' });
    await article.tags.add(tag);
    expect((await client.get('/')).text).toContain('#Fresh tag');
    expect((await client.get('/feeds/latest.rss')).text).toContain('Short-lived');
    await article.delete();
    expect((await client.get('/')).text).not.toContain('Short-lived');
    expect((await client.get('/feeds/latest.rss')).text).not.toContain('Short-lived');
  });

  it('caches each feed by its URL, and a queryset update() (no signal, as in Django) leaves them cached', async () => {
    const article = await makeArticle(n.annAuthor, n.world, { title: 'Feed item' });
    const client = site.client();
    const rss = await client.get('/feeds/latest.rss');
    expect(rss.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    await assertNumQueries(0, async () => {
      const again = await client.get('/feeds/latest.rss');
      expect(again.text).toBe(rss.text);
      expect(again.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    });
    // another feed, another entry
    expect(await queriesOf(() => client.get('/sections/world/feed.rss'))).toBeGreaterThan(0);
    expect((await client.get('/sections/world/feed.rss')).text).toContain('Feed item');
    await Article.objects.filter({ id: article.id }).update({ title: 'Silently renamed' });
    expect((await client.get('/feeds/latest.rss')).text).toContain('Feed item');
    const reloaded = await Article.objects.get({ id: article.id });
    await reloaded.save();
    expect((await client.get('/feeds/latest.rss')).text).toContain('Silently renamed');
  });

  it('never serves a cached page to a logged-in reader, nor stores the page rendered for one', async () => {
    const ann = site.client();
    await logIn(ann, 'ann');
    // ann's page, rendered first: not stored
    expect((await ann.get('/')).text).toContain('class="whoami">ann<');
    const anonymous = site.client();
    expect(await queriesOf(() => anonymous.get('/'))).toBeGreaterThan(0);
    const anonymousPage = (await anonymous.get('/')).text;
    expect(anonymousPage).not.toContain('whoami');
    expect(anonymousPage).toContain('Log in');
    // the anonymous page is now cached; logged-in readers still get their own, rendered for them
    const bob = site.client();
    await logIn(bob, 'bob');
    for (const [client, name, other] of [
      [bob, 'bob', 'ann'],
      [ann, 'ann', 'bob'],
    ] as const) {
      const page = await client.get('/');
      expect(page.status).toBe(200);
      expect(page.headers.get('age')).toBeUndefined();
      expect(page.text).toContain(`class="whoami">${name}<`);
      expect(page.text).not.toContain(`class="whoami">${other}<`);
      expect(page.text).not.toContain('Log in');
      const feed = await client.get('/feeds/latest.rss');
      expect(feed.headers.get('age')).toBeUndefined();
    }
    // and the anonymous page is still the cached one
    await assertNumQueries(0, async () => expect((await anonymous.get('/')).text).toBe(anonymousPage));
  });

  it('shows the flash message after logging out although the front page is cached', async () => {
    await site.client().get('/');
    const client = site.client();
    await logIn(client, 'bob');
    const bye = await client.post('/accounts/logout/', {}, { followRedirects: true });
    expect(bye.text).toContain('You have been logged out.');
    expect(bye.text).not.toContain('class="whoami"');
  });

  it('gives out no live CSP nonce in a cached page', async () => {
    const client = site.client();
    const first = await client.get('/');
    const nonce = /'nonce-([^']+)'/.exec(first.headers.get('content-security-policy')!)![1]!;
    expect(first.text).toContain(`nonce="${nonce}"`);
    const hit = await client.get('/');
    expect(hit.headers.get('age')).toBeDefined();
    // the stored nonce is never allowed again; the script still loads, from 'self'
    const csp = hit.headers.get('content-security-policy')!;
    expect(csp).not.toContain(nonce);
    expect(csp).toMatch(/script-src 'self'/);
  });

  it('refreshes the navigation when a section is renamed, and publishing from the desk refreshes the front page', async () => {
    const client = site.client();
    expect((await client.get('/')).text).toContain('>World</a>');
    const world = await Section.objects.get({ slug: 'world' });
    world.name = 'International';
    await world.save();
    expect((await client.get('/')).text).toContain('>International</a>');
    world.name = 'World';
    await world.save();

    const draft = await makeArticle(n.annAuthor, n.tech, { title: 'Hold the front page', status: 'draft' });
    expect((await client.get('/')).text).not.toContain('Hold the front page');
    const editor = site.client();
    await logIn(editor, 'ella');
    expect((await editor.post(`/newsroom/articles/${draft.id}/publish/`, {})).status).toBe(302);
    expect((await client.get('/')).text).toContain('Hold the front page');
  });
});
