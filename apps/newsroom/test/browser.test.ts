/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RunningServer, runServer } from '@manouche/core';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { Article, Comment } from '../src/news/models';
import { createSite, makeArticle, type Newsroom, PASSWORD, pngBytes, seedNewsroom, type Site } from './support';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// what the issue asks of the browser: headless, no sandbox (root in CI), nothing phoning home
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = resolve(__dirname, '..', 'test-results');

/** Like describeWith() for servers: runs with Chromium, fails in CI without it, skips with the reason elsewhere. */
function describeWithChromium(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, fn);
    return;
  }
  const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`${reason}: CI requires it (see .ci/run).`);
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`Skipped "${name}": ${reason}.`);
  describe.skip(name, fn);
}

describeWithChromium('the newsroom in a real browser', () => {
  let site: Site;
  let n: Newsroom;
  let server: RunningServer;
  let context: BrowserContext;
  let profile: string;
  let base: string;

  beforeAll(async () => {
    site = await createSite();
    n = await seedNewsroom();
    server = await runServer(site.app, { host: '127.0.0.1', port: 0, handleSignals: false });
    base = server.url;
    mkdirSync(SCREENSHOTS, { recursive: true });
    // a fresh profile: no cookies, cache or history from anywhere else
    profile = mkdtempSync(join(tmpdir(), 'newsroom-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1200, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await site?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** A new tab with no cookies; dialogs are recorded (and dismissed) rather than blocking. */
  async function freshPage(): Promise<{ page: Page; dialogs: string[] }> {
    await context.clearCookies();
    const page = await context.newPage();
    // fail within the test's time with Playwright's explanation, not jest's bare timeout
    page.setDefaultTimeout(5000);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return { page, dialogs };
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const flash = (page: Page) => page.locator('.messages');

  async function logIn(page: Page, username: string, password = PASSWORD): Promise<void> {
    await page.goto(`${base}/accounts/login/`);
    await page.locator('#id_username').fill(username);
    await page.locator('#id_password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForLoadState();
  }

  it('signs up, logs in, writes and publishes an article with a picture, comments, and logs out', async () => {
    const { page, dialogs } = await freshPage();
    await page.goto(`${base}/`);
    await shot(page, '01-home');
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.locator('#id_username').fill('newreader');
    await page.locator('#id_email').fill('newreader@example.com');
    await page.locator('#id_password1').fill(PASSWORD);
    await page.locator('#id_password2').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.waitForURL(`${base}/accounts/profile/`);
    await expectText(flash(page), 'Welcome to The Newsroom, newreader: your account is ready.');
    await shot(page, '02-signed-up');
    await page.getByRole('button', { name: 'Log out' }).click();
    await expectText(flash(page), 'You have been logged out.');

    await logIn(page, 'ella');
    await expectText(flash(page), 'You are logged in as ella.');
    await page.getByRole('link', { name: 'Newsroom', exact: true }).click();
    await page.getByRole('link', { name: 'Write an article' }).first().click();
    await page.locator('#id_title').fill('Browsers read the news too');
    await page.locator('#id_section').selectOption({ label: 'Technology' });
    await page.locator('#id_lead').fill('A headless Chromium wrote this.');
    await page.locator('#id_body').fill('First paragraph.\n\nSecond paragraph.');
    await page.locator('#id_tagNames').fill('Testing, Browsers');
    await page.locator('#id_image').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: pngBytes(40, 30) });
    await shot(page, '03-article-form');
    await page.getByRole('button', { name: 'Save and publish' }).click();
    await page.waitForURL(/\/articles\/browsers-read-the-news-too\/$/);
    await expectText(flash(page), '“Browsers read the news too” is published.');
    const hero = page.locator('.hero img');
    await hero.waitFor();
    expect(await hero.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40);
    expect(await page.locator('.tags').textContent()).toContain('#Testing');
    await shot(page, '04-published');

    await page.locator('.comment-form textarea').fill('Proofread in a real browser.');
    await page.getByRole('button', { name: 'Post comment' }).click();
    await expectText(flash(page), 'Thank you: your comment is published.');
    await expectText(page.locator('.comment-body'), 'Proofread in a real browser.');
    await shot(page, '05-commented');
    await page.getByRole('button', { name: 'Log out' }).click();
    await expectText(flash(page), 'You have been logged out.');
    await expectText(page.locator('.card-title').first(), 'Browsers read the news too');
    expect(dialogs).toEqual([]);
    const article = await Article.objects.get({ slug: 'browsers-read-the-news-too' });
    expect(article.status).toBe('published');
    await page.close();
  });

  it('shows a stored XSS payload in a comment as text, and no dialog opens', async () => {
    const article = await makeArticle(n.annAuthor, n.world, { title: 'Comment section' });
    const payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>"><svg onload=alert(3)>';
    await Comment.objects.create({ article, user: n.reader, body: payload });
    const { page, dialogs } = await freshPage();
    await page.goto(`${base}/articles/${article.slug}/`);
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);
    expect(await page.locator('.comment-body').textContent()).toBe(payload);
    expect(await page.locator('.comment-body img, .comment-body script, .comment-body svg').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await shot(page, '06-xss-as-text');
    await page.close();
  });

  it('refuses the comment form once its CSRF token is removed', async () => {
    const article = await makeArticle(n.annAuthor, n.world, { title: 'Forgery target' });
    const { page } = await freshPage();
    await logIn(page, 'reader');
    await page.goto(`${base}/articles/${article.slug}/`);
    await page.locator('.comment-form input[name="csrfmiddlewaretoken"]').evaluate((input) => input.remove());
    await page.locator('.comment-form textarea').fill('Forged comment');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Post comment' }).click()]);
    expect(response.status()).toBe(403);
    await expectText(page.locator('h1'), 'Forbidden');
    await shot(page, '07-csrf-refused');
    expect(await Comment.objects.filter({ body: 'Forged comment' }).exists()).toBe(false);
    await page.close();
  });

  it('lets the CSP block an inline script injected into the page', async () => {
    const { page, dialogs } = await freshPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${base}/`);
    // the site's own script, loaded with the nonce, ran (it adds a character counter to textareas elsewhere): scripts work
    const blocked = await page.evaluate(
      () =>
        new Promise<{ ran: boolean; directive: string }>((done) => {
          document.addEventListener('securitypolicyviolation', (event) => done({ ran: (window as { injected?: boolean }).injected === true, directive: event.violatedDirective }), { once: true });
          const script = document.createElement('script');
          script.textContent = 'window.injected = true; alert("injected")';
          document.body.append(script);
        }),
    );
    expect(blocked).toEqual({ ran: false, directive: expect.stringMatching(/^script-src/) });
    expect(await page.evaluate(() => (window as { injected?: boolean }).injected)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(violations.length).toBeGreaterThan(0);
    await page.close();
  });
});

/** Wait for `locator` to contain `text` (the page may still be loading), then check it. */
async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 5000 });
  expect(await locator.first().textContent()).toContain(text);
}
