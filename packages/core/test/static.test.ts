import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, HttpResponse, path, staticFilesMiddleware, staticPatterns, staticUrl } from '../src/index';
import { makeApp } from './helpers';

const base = mkdtempSync(join(tmpdir(), 'manouche-static-'));
const root = join(base, 'static');
const appDir = join(base, 'app');
mkdirSync(join(root, 'css'), { recursive: true });
mkdirSync(join(appDir, 'static'), { recursive: true });
writeFileSync(join(root, 'css', 'site.css'), 'body{}');
writeFileSync(join(root, 'hello world.txt'), 'hi');
writeFileSync(join(appDir, 'static', 'app.js'), 'console.log(1)');
writeFileSync(join(base, 'secret.txt'), 'TOP SECRET');
symlinkSync(join(base, 'secret.txt'), join(root, 'link-out.txt'));
symlinkSync(join(root, 'css', 'site.css'), join(root, 'link-in.css'));

const app = makeApp(
  [path('', () => new HttpResponse('home')), ...staticPatterns('media/', { documentRoot: root })],
  { STATICFILES_DIRS: [root], INSTALLED_APPS: [{ label: 'blog', path: appDir }], MIDDLEWARE: [staticFilesMiddleware] },
);
const client = new Client(app);

describe('static files', () => {
  it('serves files with their content type', async () => {
    const css = await client.get('/static/css/site.css');
    expect(css.status).toBe(200);
    expect(css.text).toBe('body{}');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await client.get('/static/hello%20world.txt')).text).toBe('hi');
  });

  it("finds files in installed apps' static folders", async () => {
    const js = await client.get('/static/app.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('follows symlinks that stay inside the root', async () => {
    expect((await client.get('/static/link-in.css')).status).toBe(200);
  });

  it.each([
    '/static/../secret.txt',
    '/static/%2e%2e/secret.txt',
    '/static/%2E%2E%2Fsecret.txt',
    '/static/css/..%2f..%2fsecret.txt',
    '/static/..%5csecret.txt',
    '/static/%252e%252e/secret.txt',
    '/static//etc/passwd',
    '/static/%2Fetc%2Fpasswd',
    '/static/link-out.txt',
    '/static/./css/site.css',
    '/media/../secret.txt',
    '/media/%2e%2e%2fsecret.txt',
    '/media/link-out.txt',
  ])('refuses %s', async (url) => {
    const response = await client.get(url);
    expect([400, 404]).toContain(response.status);
    expect(response.text).not.toContain('TOP SECRET');
  });

  it('refuses a NUL byte with a 400', async () => {
    expect((await client.get('/static/css/site.css%00.txt')).status).toBe(400);
  });

  it('passes non-static requests through', async () => {
    expect((await client.get('/')).text).toBe('home');
    expect((await client.get('/static/nope.css')).status).toBe(404);
  });

  it('serves a documentRoot at a URL prefix (media)', async () => {
    expect((await client.get('/media/css/site.css')).text).toBe('body{}');
  });

  it('builds static URLs', () => {
    expect(staticUrl(app.settings, 'css/my file.css')).toBe('/static/css/my%20file.css');
  });
});
