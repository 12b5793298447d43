import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Comment } from '../src/news/models';
import { BASE_DIR } from '../src/paths';
import { createSite, csrfTokenIn, logIn, makeArticle, type Newsroom, PASSWORD, seedNewsroom, type Site } from './support';

function templates(dir = join(BASE_DIR, 'templates')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = join(dir, name);
    return statSync(file).isDirectory() ? templates(file) : [file];
  });
}

describe('security', () => {
  let site: Site;
  let n: Newsroom;

  beforeAll(async () => {
    site = await createSite();
    n = await seedNewsroom();
  });
  afterAll(() => site.close());

  describe('CSRF', () => {
    it('sets no cookie on a page without a form, so anonymous pages stay cacheable', async () => {
      const client = site.client();
      const home = await client.get('/');
      expect(home.status).toBe(200);
      expect(home.headers.get('set-cookie')).toBeUndefined();
      expect(client.cookies.get('csrftoken')).toBeUndefined();
      const login = await client.get('/accounts/login/');
      expect(csrfTokenIn(login.text)).toBeTruthy();
      expect(client.cookies.get('csrftoken')).toBeTruthy();
    });

    it('refuses a comment posted without the token, with the site-styled 403 page', async () => {
      const article = await makeArticle(n.annAuthor, n.world);
      const client = site.client({ enforceCsrfChecks: true });
      const login = await client.get('/accounts/login/');
      await client.post('/accounts/login/', { csrfmiddlewaretoken: csrfTokenIn(login.text), username: 'reader', password: PASSWORD });
      const page = await client.get(`/articles/${article.slug}/`);
      const forged = await client.post(`/articles/${article.slug}/comments/`, { body: 'Forged' });
      expect(forged.status).toBe(403);
      expect(forged.text).toContain('<h1>Forbidden</h1>');
      expect(forged.text).toContain('The form could not be verified');
      const wrong = await client.post(`/articles/${article.slug}/comments/`, { body: 'Forged', csrfmiddlewaretoken: 'x'.repeat(64) });
      expect(wrong.status).toBe(403);
      expect(await Comment.objects.filter({ body: 'Forged' }).exists()).toBe(false);
      const honest = await client.post(`/articles/${article.slug}/comments/`, { body: 'Honest', csrfmiddlewaretoken: csrfTokenIn(page.text) });
      expect(honest.status).toBe(302);
    });

    it('refuses a login, a logout and a staff action without the token', async () => {
      const client = site.client({ enforceCsrfChecks: true });
      expect((await client.post('/accounts/login/', { username: 'ella', password: PASSWORD })).status).toBe(403);
      const login = await client.get('/accounts/login/');
      expect((await client.post('/accounts/login/', { csrfmiddlewaretoken: csrfTokenIn(login.text), username: 'ella', password: PASSWORD })).status).toBe(302);
      const draft = await makeArticle(n.annAuthor, n.world, { status: 'draft' });
      expect((await client.post(`/newsroom/articles/${draft.id}/publish/`, {})).status).toBe(403);
      expect((await client.post('/accounts/logout/', {})).status).toBe(403);
      expect((await client.get('/newsroom/')).status).toBe(200); // still logged in
    });

    it('refuses a cross-site form post even with a token', async () => {
      const client = site.client({ enforceCsrfChecks: true });
      const page = await client.get('/accounts/signup/');
      const response = await client.post(
        '/accounts/signup/',
        { csrfmiddlewaretoken: csrfTokenIn(page.text), username: 'x', email: 'x@example.com', password1: PASSWORD, password2: PASSWORD },
        { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } },
      );
      expect(response.status).toBe(403);
    });
  });

  describe('headers and the content security policy', () => {
    it('sends a nonce CSP without unsafe-inline, frame and sniffing protections', async () => {
      // a page rendered for this request (the front page may come from the page cache: see cache.test.ts)
      const response = await site.client().get('/search/');
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      const nonce = /'nonce-([^']+)'/.exec(csp)![1];
      expect(response.text).toContain(`<script src="/static/newsroom/site.js" defer nonce="${nonce}"></script>`);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('same-origin');
      // a new nonce for every response
      const again = (await site.client().get('/search/')).headers.get('content-security-policy');
      expect(again).not.toBe(csp);
    });

    it('has no inline script, style or event handler in any template', () => {
      const files = templates();
      expect(files.length).toBeGreaterThan(20);
      for (const file of files) {
        const source = readFileSync(file, 'utf8');
        expect({ file, inlineScript: /<script(?![^>]*\ssrc=)[^>]*>/i.test(source) }).toEqual({ file, inlineScript: false });
        expect({ file, style: /<style|\sstyle=/i.test(source) }).toEqual({ file, style: false });
        expect({ file, handler: /\son[a-z]+=/i.test(source) }).toEqual({ file, handler: false });
      }
    });

    it('sets the session cookie HttpOnly and SameSite=Lax', async () => {
      const login = await site.client().post('/accounts/login/', { username: 'reader', password: PASSWORD });
      expect(login.response.cookies.get('sessionid')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    });
  });

  describe('login throttling', () => {
    it('answers 429 after five failed attempts for one username, even with the right password', async () => {
      const client = site.client();
      for (let i = 0; i < 5; i++) expect((await client.post('/accounts/login/', { username: 'bob', password: `wrong ${i}` })).status).toBe(200);
      const locked = await client.post('/accounts/login/', { username: 'bob', password: PASSWORD });
      expect(locked.status).toBe(429);
      expect(locked.text).toContain('Too many login attempts.');
      await logIn(site.client(), 'ann'); // other usernames are not affected
    });
  });

  describe('HTTPS=true (production behind a TLS proxy)', () => {
    it('redirects plain HTTP, and sends HSTS and Secure cookies over HTTPS', async () => {
      const secure = await createSite({ env: { HTTPS: 'true', SECURE_PROXY_SSL_HEADER: 'X-Forwarded-Proto' } });
      try {
        const plain = await secure.client().get('/accounts/login/');
        expect(plain.status).toBe(301);
        expect(plain.url).toBe('https://127.0.0.1/accounts/login/');
        const client = secure.client({ headers: { 'x-forwarded-proto': 'https' } });
        const page = await client.get('/accounts/login/');
        expect(page.status).toBe(200);
        expect(page.headers.get('strict-transport-security')).toBe('max-age=31536000');
        expect(page.response.cookies.get('csrftoken')).toMatchObject({ secure: true });
      } finally {
        await secure.close();
      }
    });
  });
});
