import { caches } from '@manouche/cache';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createSite, makeArticle, type Newsroom, seedNewsroom, type Site } from './support';

/** Parse strictly: a feed that is not well-formed XML fails the test with the parser's reason. */
function parseXml(text: string): Record<string, any> {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`Not well-formed XML: ${JSON.stringify(valid.err)}\n${text}`);
  const lists = ['rss.channel.item', 'rss.channel.item.category', 'feed.link', 'feed.entry', 'feed.entry.link', 'feed.entry.category'];
  return new XMLParser({ ignoreAttributes: false, isArray: (_name, path) => lists.includes(String(path)) }).parse(text);
}

interface ApiArticle {
  id: number;
  title: string;
  slug: string;
  url: string;
  apiUrl: string;
  lead: string;
  image: string | null;
  publishedAt: string;
  updatedAt: string;
  section: { name: string; slug: string; url: string };
  author: { name: string; slug: string; url: string };
  tags: Array<{ name: string; slug: string }>;
}

interface ApiPage {
  count: number;
  numPages: number;
  page: number;
  next: string | null;
  previous: string | null;
  results: ApiArticle[];
}

describe('feeds and the JSON API', () => {
  let site: Site;
  let n: Newsroom;
  const NASTY = 'Tom & Jerry <script>alert(1)</script> "quoted" \u0007bell';

  beforeAll(async () => {
    site = await createSite();
    n = await seedNewsroom();
    for (let i = 0; i < 23; i++) await makeArticle(i % 2 ? n.annAuthor : n.bobAuthor, i % 3 ? n.world : n.tech, { title: `Story ${i}`, hoursAgo: 10 + i, tags: i % 4 ? [] : [n.climate] });
    await makeArticle(n.annAuthor, n.tech, { title: NASTY, hoursAgo: 1, tags: [n.climate] });
    await makeArticle(n.annAuthor, n.world, { title: 'Unpublished', status: 'draft' });
  });
  afterAll(() => site.close());
  beforeEach(() => caches.default.clear());

  describe('RSS 2.0 and Atom', () => {
    it('serves the latest twenty published articles as well-formed RSS, every text escaped', async () => {
      const response = await site.client().get('/feeds/latest.rss');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
      const rss = parseXml(response.text).rss;
      expect(rss['@_version']).toBe('2.0');
      expect(rss.channel.title).toBe('The Newsroom: latest articles');
      expect(rss.channel.link).toBe('http://127.0.0.1/');
      const items = rss.channel.item;
      expect(items).toHaveLength(20);
      // the markup arrives as text; the control character, which XML cannot carry, is dropped
      expect(items[0].title).toBe('Tom & Jerry <script>alert(1)</script> "quoted" bell');
      expect(response.text).toContain('<title>Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; bell</title>');
      expect(items[0].link).toMatch(/^http:\/\/127\.0\.0\.1\/articles\/tom-jerry/);
      expect(items[0].category).toEqual(['Technology', 'Climate']);
      expect(new Date(items[0].pubDate).getTime()).toBeGreaterThan(Date.now() - 2 * 3_600_000);
      expect(items.map((i: { title: string }) => i.title)).not.toContain('Unpublished');
    });

    it('serves Atom with absolute links and ISO dates', async () => {
      const response = await site.client().get('/feeds/latest.atom');
      expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
      const feed = parseXml(response.text).feed;
      expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
      expect(feed.entry).toHaveLength(20);
      expect(feed.entry[0].link[0]['@_href']).toMatch(/^http:\/\/127\.0\.0\.1\/articles\//);
      expect(feed.entry[0].updated).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(feed.link.map((l: Record<string, string>) => l['@_rel'])).toEqual(['alternate', 'self']);
    });

    it('has a feed per section, and a 404 for an unknown section', async () => {
      const client = site.client();
      const rss = parseXml((await client.get('/sections/technology/feed.rss')).text).rss;
      expect(rss.channel.title).toBe('The Newsroom: Technology');
      expect(rss.channel.item.every((i: { category: string[] }) => i.category[0] === 'Technology')).toBe(true);
      const atom = parseXml((await client.get('/sections/world/feed.atom')).text).feed;
      expect(atom.entry.length).toBeGreaterThan(0);
      expect((await client.get('/sections/nowhere/feed.rss')).status).toBe(404);
    });
  });

  describe('/api/articles', () => {
    it('pages the published articles, twenty at a time, with links to the neighbours', async () => {
      const client = site.client();
      const response = await client.get('/api/articles');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const first = response.json<ApiPage>();
      expect(first).toMatchObject({ count: 24, numPages: 2, page: 1, previous: null, next: 'http://127.0.0.1/api/articles?page=2' });
      expect(first.results).toHaveLength(20);
      const top = first.results[0]!;
      expect(top).toEqual({
        id: expect.any(Number),
        title: NASTY,
        slug: expect.stringMatching(/^tom-jerry/),
        url: `http://127.0.0.1/articles/${top.slug}/`,
        apiUrl: `http://127.0.0.1/api/articles/${top.id}`,
        lead: `The lead of ${NASTY}.`,
        image: null,
        publishedAt: expect.stringMatching(/Z$/),
        updatedAt: expect.stringMatching(/Z$/),
        section: { name: 'Technology', slug: 'technology', url: 'http://127.0.0.1/sections/technology/' },
        author: { name: 'Ann Author', slug: 'ann', url: 'http://127.0.0.1/authors/ann/' },
        tags: [{ name: 'Climate', slug: 'climate' }],
      });
      const second = (await client.get('/api/articles', { page: '2' })).json<ApiPage>();
      expect(second).toMatchObject({ page: 2, next: null, previous: 'http://127.0.0.1/api/articles?page=1' });
      expect(second.results).toHaveLength(4);
      const ids = [...first.results, ...second.results].map((a) => a.id);
      expect(new Set(ids).size).toBe(24);
    });

    it('answers a bad page with a JSON 404', async () => {
      for (const page of ['3', 'x', '-1']) {
        const response = await site.client().get('/api/articles', { page });
        expect(response.status).toBe(404);
        expect(response.json()).toEqual({ error: { status: 404, message: expect.stringMatching(/page/i) } });
      }
    });

    it('serves one published article with its text, and a JSON 404 for drafts and unknown ids', async () => {
      const client = site.client();
      const list = (await client.get('/api/articles')).json<ApiPage>();
      const item = await client.get(`/api/articles/${list.results[3]!.id}`);
      expect(item.status).toBe(200);
      expect(item.json()).toEqual({ ...list.results[3], body: expect.stringContaining('A second paragraph.'), comments: 0 });
      const draft = await client.get('/api/articles/999999');
      expect(draft.status).toBe(404);
      expect(draft.json()).toEqual({ error: { status: 404, message: 'No published article with id 999999.' } });
      expect((await client.post('/api/articles', {})).status).toBe(405);
    });
  });
});
