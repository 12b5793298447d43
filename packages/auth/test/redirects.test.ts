import { Client, include, path } from '@manouche/core';
import { authUrls, redirectToLogin, urlHasAllowedHostAndScheme, User } from '../src/index';
import { describeBackend, makeApp, useDatabase } from './support';

// Django's own payloads (tests/utils_tests/test_http.py), with `testserver` allowed
const BAD = [
  'http://example.com',
  'http:///example.com',
  'https://example.com',
  'ftp://example.com',
  '\\\\example.com',
  '\\\\\\example.com',
  '/\\\\/example.com',
  '\\\\//example.com',
  '/\\/example.com',
  '\\/example.com',
  '/\\example.com',
  'http:/\\//example.com',
  'http:\\/example.com',
  'http:/\\example.com',
  'javascript:alert("XSS")',
  '\njavascript:alert(x)',
  '\x08//example.com',
  'http://otherserver\\@example.com',
  'http:\\\\testserver\\@example.com',
  'http://testserver\\me:pass@example.com',
  'http://testserver\\@example.com',
  'http:\\\\testserver\\confirm\\me@example.com',
  'http:999999999',
  'ftp:9999999999',
  '\n',
  'http://[2001:cdba:0000:0000:0000:0000:3257:9652/',
  'http://2001:cdba:0000:0000:0000:0000:3257:9652]/',
  // and a few more browsers treat as another site
  '//example.com',
  '///example.com',
  '/\t/example.com',
  ' //example.com',
  '\u0000//example.com',
  '\u200b//example.com',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'HTTP://example.com',
  'https:example.com',
  '',
  '   ',
];

const GOOD = [
  '/view/?param=http://example.com',
  '/view/?param=https://example.com',
  '/view?param=ftp://example.com',
  'view/?param=//example.com',
  'https://testserver/',
  'HTTPS://testserver/',
  '//testserver/',
  'http://testserver/confirm?email=me@example.com',
  '/url%20with%20spaces/',
  'path/http:2222222222',
];

describe('urlHasAllowedHostAndScheme', () => {
  it.each(BAD.map((url) => [JSON.stringify(url), url]))('refuses %s', (_shown, url) => {
    expect(urlHasAllowedHostAndScheme(url, ['testserver'])).toBe(false);
  });

  it.each(GOOD.map((url) => [JSON.stringify(url), url]))('accepts %s', (_shown, url) => {
    expect(urlHasAllowedHostAndScheme(url, ['testserver'])).toBe(true);
  });

  it('requires HTTPS when asked', () => {
    expect(urlHasAllowedHostAndScheme('http://testserver/', ['testserver'], true)).toBe(false);
    expect(urlHasAllowedHostAndScheme('https://testserver/', ['testserver'], true)).toBe(true);
    expect(urlHasAllowedHostAndScheme('/relative/', 'testserver', true)).toBe(true);
    expect(urlHasAllowedHostAndScheme('/relative/', null)).toBe(true);
    expect(urlHasAllowedHostAndScheme(null, ['testserver'])).toBe(false);
  });

  it('builds login redirects that keep their own query', () => {
    expect(redirectToLogin('/a/b/?x=1&y=2', '/login/?lang=fr').url).toBe('/login/?lang=fr&next=/a/b/%3Fx%3D1%26y%3D2');
    expect(redirectToLogin('/a/', '/login/', null).url).toBe('/login/');
  });
});

describeBackend('sqlite', 'the login view with hostile next values', () => {
  const database = useDatabase('sqlite');
  const app = makeApp([path('accounts/', include(authUrls()))]);

  beforeAll(async () => {
    await database.flush();
    await User.objects.createUser('ann', null, 'correct horse');
  });

  it.each(BAD.filter((url) => url.trim()).map((url) => [JSON.stringify(url), url]))('goes to LOGIN_REDIRECT_URL instead of %s', async (_shown, url) => {
    const response = await new Client(app).post('/accounts/login/', { username: 'ann', password: 'correct horse', next: url });
    expect(response.status).toBe(302);
    expect(response.url).toBe('/accounts/profile/');
  });

  it('follows a safe next, and ignores a hostile one on the form page', async () => {
    const ok = await new Client(app).post('/accounts/login/?next=/articles/%3Fpage%3D2', { username: 'ann', password: 'correct horse' });
    expect(ok.url).toBe('/articles/?page=2');
    const page = await new Client(app).get('/accounts/login/', { next: '//evil.com/' });
    expect(page.text).toContain('name="next" value=""');
    const escaped = await new Client(app).get('/accounts/login/', { next: '/"><script>x</script>' });
    expect(escaped.text).not.toContain('<script>x');
  });

  it('only redirects to https targets from an https login', async () => {
    const response = await new Client(app).post('/accounts/login/', { username: 'ann', password: 'correct horse', next: 'http://testserver/x/' }, { secure: true });
    expect(response.url).toBe('/accounts/profile/');
  });

  it('validates next after logout too', async () => {
    const client = new Client(app);
    await client.post('/accounts/login/', { username: 'ann', password: 'correct horse' });
    const response = await client.post('/accounts/logout/', { next: 'https://evil.example/' });
    expect(response.status).toBe(200);
    const safe = await client.post('/accounts/logout/', { next: '/bye/' });
    expect(safe.url).toBe('/bye/');
  });
});
