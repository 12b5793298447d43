import { outbox, User } from '@manouche/auth';
import { createSite, csrfTokenIn, logIn, makeArticle, type Newsroom, PASSWORD, seedNewsroom, type Site } from './support';

/** Every <form method="post"> in a page carries the CSRF field. */
function postFormsCarryTokens(html: string): { forms: number; tokens: number } {
  return { forms: (html.match(/<form[^>]*method="post"/gi) ?? []).length, tokens: (html.match(/name="csrfmiddlewaretoken"/g) ?? []).length };
}

describe("the newsroom runs security's defaults", () => {
  let site: Site;

  beforeAll(async () => {
    site = await createSite();
    await seedNewsroom();
  });
  afterAll(() => site.close());

  it('answers a Host outside ALLOWED_HOSTS with 400, building no URL from it', async () => {
    const response = await site.client().get('/accounts/password_reset/', undefined, { headers: { host: 'evil.example' } });
    expect(response.status).toBe(400);
    expect(response.text).not.toContain('evil.example');
  });

  it("sends Django's default security headers on every page", async () => {
    for (const url of ['/', '/search/?q=x', '/accounts/login/', '/no-such-page/']) {
      const response = await site.client().get(url);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    }
  });

  it('puts a CSRF token in every form of the account pages, password change and reset included', async () => {
    const anonymous = site.client();
    const reader = site.client();
    await logIn(reader, 'reader');
    await User.objects.createUser('rosa', 'rosa@example.com', PASSWORD);
    outbox.length = 0;
    const reset = await anonymous.get('/accounts/password_reset/');
    await anonymous.post('/accounts/password_reset/', { csrfmiddlewaretoken: csrfTokenIn(reset.text), email: 'rosa@example.com' });
    for (let i = 0; i < 50 && outbox.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const link = /http:\/\/127\.0\.0\.1(\/accounts\/reset\/\S+\/)/.exec(outbox[0]!.body)![1]!;
    const pages = [
      await anonymous.get('/accounts/login/'),
      await anonymous.get('/accounts/signup/'),
      reset,
      await anonymous.get(link, undefined, { followRedirects: true }),
      await reader.get('/accounts/password_change/'),
      await reader.get('/accounts/profile/'),
      await reader.get('/'),
    ];
    for (const page of pages) {
      expect(page.status).toBe(200);
      const { forms, tokens } = postFormsCarryTokens(page.text);
      expect(tokens).toBe(forms);
    }
    // the pages with a form really have one (a test that finds no form shows nothing)
    expect(pages.slice(0, 6).every((page) => postFormsCarryTokens(page.text).forms > 0)).toBe(true);
  });
});

describe('the newsroom renders its pages through @manouche/templates', () => {
  let site: Site;
  let n: Newsroom;

  beforeAll(async () => {
    site = await createSite();
    n = await seedNewsroom();
  });
  afterAll(() => site.close());

  it('with the base layout, the site layout and partials', async () => {
    const article = await makeArticle(n.annAuthor, n.world, { title: 'Layered pages', tags: [n.climate] });
    const pages: Array<[string, string, string[]]> = [
      ['/', 'news/home.eta', ['<article class="card">']],
      [`/articles/${article.slug}/`, 'news/article.eta', ['<p class="byline">']],
      ['/search/?q=Layered', 'news/search.eta', ['<article class="card">']],
    ];
    for (const [url, template, partials] of pages) {
      const response = await site.client().get(url);
      expect(response.status).toBe(200);
      expect(response.templateName).toBe(template);
      // base.eta's head and layout.eta's main column wrap the page's own blocks
      expect(response.text).toMatch(/^<!doctype html>/);
      expect(response.text).toContain('<main class="main" id="main">');
      for (const marker of partials) expect(response.text).toContain(marker);
    }
  });
});
