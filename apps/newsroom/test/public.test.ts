import { caches } from '@manouche/cache';
import { assertNumQueries, captureQueries, getConnection } from '@manouche/orm';
import { Comment } from '../src/news/models';
import { createSite, makeArticle, type Newsroom, seedNewsroom, type Site } from './support';

describe('public pages', () => {
  let site: Site;
  let n: Newsroom;

  beforeAll(async () => {
    site = await createSite();
    n = await seedNewsroom();
  });
  afterAll(() => site.close());
  beforeEach(() => caches.default.clear());

  it('serves the front page with the latest published articles, newest first, drafts left out', async () => {
    const older = await makeArticle(n.annAuthor, n.world, { title: 'Older news', hoursAgo: 30 });
    const newer = await makeArticle(n.bobAuthor, n.tech, { title: 'Newer news', hoursAgo: 1, tags: [n.climate] });
    await makeArticle(n.annAuthor, n.world, { title: 'Secret draft', status: 'draft' });
    const response = await site.client().get('/');
    expect(response.status).toBe(200);
    expect(response.templateName).toBe('news/home.eta');
    expect(response.text).toContain('<title>The Newsroom</title>');
    expect(response.text.indexOf(newer.title)).toBeLessThan(response.text.indexOf(older.title));
    expect(response.text).not.toContain('Secret draft');
    expect(response.text).toContain('href="/tags/climate/">#Climate');
    expect(response.text).toContain('href="/authors/bob/">Bob Byline');
    // the stylesheet and script come from 'self'
    expect((await site.client().get('/static/newsroom/site.css')).status).toBe(200);
  });

  it('paginates twenty articles a page on the front page and answers 404 for pages that do not exist', async () => {
    for (let i = 0; i < 22; i++) await makeArticle(n.annAuthor, n.world, { title: `Paged ${i}`, hoursAgo: 100 + i });
    const client = site.client();
    const first = await client.get('/');
    expect(first.text.match(/class="card"/g)).toHaveLength(20);
    expect(first.text).toContain('href="?page=2" rel="next"');
    const second = await client.get('/', { page: '2' });
    expect(second.status).toBe(200);
    expect(second.text).toContain('rel="prev"');
    expect((await client.get('/', { page: '999' })).status).toBe(404);
    expect((await client.get('/', { page: 'abc' })).status).toBe(404);
    expect((await client.get('/', { page: '0' })).status).toBe(404);
  });

  it('renders the front page in a constant number of queries, whatever the number of articles', async () => {
    const client = site.client();
    const count = async () => {
      await caches.default.clear();
      const { queries } = await captureQueries(() => client.get('/'));
      return queries.length;
    };
    const before = await count();
    for (let i = 0; i < 5; i++) await makeArticle(n.bobAuthor, n.tech, { title: `More ${i}`, hoursAgo: 0.1 + i / 10, tags: [n.climate] });
    // sections for the navigation, the count, the page with its section and author, the page's tags
    await assertNumQueries(before, async () => {
      await caches.default.clear();
      expect((await client.get('/')).status).toBe(200);
    });
    expect(before).toBe(4);
    expect(await count()).toBe(before);
    // from the cache: no query at all for an anonymous reader
    await assertNumQueries(0, () => client.get('/'));
  });

  it('shows an article with its visible comments, escaping what readers wrote', async () => {
    const article = await makeArticle(n.annAuthor, n.world, { title: 'Comments <b>welcome</b>', body: 'First paragraph.\n\nSecond & last.' });
    await Comment.objects.create({ article, user: n.reader, body: '<script>alert("pwned")</script>' });
    await Comment.objects.create({ article, user: n.reader, body: 'Spam spam spam', isPublic: false });
    const response = await site.client().get(`/articles/${article.slug}/`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('<h1>Comments &lt;b&gt;welcome&lt;/b&gt;</h1>');
    expect(response.text).toContain('<p>First paragraph.</p>');
    expect(response.text).toContain('<p>Second &amp; last.</p>');
    expect(response.text).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(response.text).not.toContain('<script>alert');
    expect(response.text).not.toContain('Spam spam spam');
    expect(response.text).toContain('1 comment</h2>');
    expect(response.text).toContain('Log in</a> to join the conversation');
  });

  it('keeps drafts for the people who may edit them', async () => {
    const draft = await makeArticle(n.annAuthor, n.world, { title: 'Work in progress', status: 'draft' });
    expect((await site.client().get(`/articles/${draft.slug}/`)).status).toBe(404);
    expect((await site.client().get('/articles/no-such-article/')).status).toBe(404);
  });

  it('lists a section, a tag and an author', async () => {
    const tagged = await makeArticle(n.bobAuthor, n.tech, { title: 'Tagged piece', tags: [n.climate] });
    const client = site.client();
    const section = await client.get('/sections/technology/');
    expect(section.status).toBe(200);
    expect(section.text).toContain('<h1>Technology</h1>');
    expect(section.text).toContain(tagged.title);
    expect(section.text).toContain('href="/sections/technology/feed.rss"');
    const tag = await client.get('/tags/climate/');
    expect(tag.text).toContain('<h1>#Climate</h1>');
    expect(tag.text).toContain(tagged.title);
    const author = await client.get('/authors/bob/');
    expect(author.text).toContain('<h1>Bob Byline</h1>');
    expect(author.text).toContain(tagged.title);
    expect((await client.get('/sections/nowhere/')).status).toBe(404);
    expect((await client.get('/tags/nothing/')).status).toBe(404);
    expect((await client.get('/authors/nobody/')).status).toBe(404);
  });

  it('searches titles and texts, case-insensitively, with the words bound as parameters', async () => {
    await makeArticle(n.annAuthor, n.world, { title: 'Glaciers retreat', body: 'Ice everywhere.' });
    await makeArticle(n.annAuthor, n.world, { title: 'Budget vote', body: 'The GLACIER fund was cut.' });
    const client = site.client();
    const found = await client.get('/search/', { q: 'glacier' });
    expect(found.status).toBe(200);
    expect(found.text).toContain('2 results for “glacier”');
    expect(found.text).toContain('Glaciers retreat');
    expect(found.text).toContain('Budget vote');
    const none = await client.get('/search/', { q: "%' OR 1=1 --" });
    expect(none.text).toContain('0 results for “%&#x27; OR 1=1 --”');
    expect(none.text).toContain('No article matches.');
    const empty = await client.get('/search/');
    expect(empty.status).toBe(200);
    expect(empty.text).not.toContain('results for');
  });

  it('answers unknown pages with the site-styled 404 page', async () => {
    const response = await site.client().get('/no/such/page/');
    expect(response.status).toBe(404);
    expect(response.text).toContain('<h1>Page not found</h1>');
    expect(response.text).toContain('href="/static/newsroom/site.css"');
    expect(response.text).toContain('href="/sections/world/">World</a>');
  });

  it('serves robots.txt and a sitemap of the published articles', async () => {
    const article = await makeArticle(n.annAuthor, n.world, { title: 'On the map' });
    const draft = await makeArticle(n.annAuthor, n.world, { title: 'Off the map', status: 'draft' });
    const client = site.client();
    const robots = await client.get('/robots.txt');
    expect(robots.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(robots.text).toContain('Disallow: /newsroom/');
    expect(robots.text).toContain('Sitemap: http://127.0.0.1/sitemap.xml');
    const sitemap = await client.get('/sitemap.xml');
    expect(sitemap.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(sitemap.text).toContain(`<loc>http://127.0.0.1/articles/${article.slug}/</loc><lastmod>`);
    expect(sitemap.text).toContain('<loc>http://127.0.0.1/sections/world/</loc>');
    expect(sitemap.text).not.toContain(draft.slug);
  });

  it('answers 500 with the site-styled page, and no detail, when the database is gone', async () => {
    const broken = await createSite();
    try {
      await getConnection().close();
      const response = await broken.client().get('/');
      expect(response.status).toBe(500);
      expect(response.text).toContain('<h1>Something went wrong</h1>');
      expect(response.text).toContain('href="/static/newsroom/site.css"');
      expect(response.text).not.toMatch(/Error:|at .*\.ts/);
    } finally {
      await broken.close().catch(() => undefined);
    }
  });
});
