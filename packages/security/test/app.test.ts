import { Client, createApp, HttpResponse, JsonResponse, path, runChecks, type UserSettings } from '@manouche/core';
import { CSP, csrfViewMiddleware, defaultMiddleware, getToken, securityApp, securityMiddleware, xFrameOptionsMiddleware } from '../src/index';
import { memoryLogger, TEST_SECRET } from './helpers';

const urls = [
  path('', (request) => new HttpResponse(`<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="${getToken(request)}"></form>`)),
  path('api/', () => new JsonResponse({ ok: true })),
  path('submit/', () => new HttpResponse('saved')),
];

function project(settings: UserSettings = {}, env: Record<string, string> = {}) {
  return createApp({
    settings: { SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['example.com'], INSTALLED_APPS: [securityApp()], ...settings },
    urls,
    env,
    global: false,
    logger: memoryLogger(),
  });
}

async function ids(settings: UserSettings = {}, deploy = true): Promise<string[]> {
  const app = project(settings);
  return (await runChecks(app, { deploy })).map((m) => m.id).filter((id) => id.startsWith('security.')).sort();
}

describe('securityApp()', () => {
  it('turns the whole default stack on: headers, host check, CSRF, X-Frame-Options', async () => {
    const app = project();
    expect(app.settings.MIDDLEWARE).toEqual(defaultMiddleware);
    const client = new Client(app, { host: 'example.com', enforceCsrfChecks: true });
    const page = await client.get('/');
    expect(Object.fromEntries([...page.headers].filter(([name]) => name !== 'content-type'))).toEqual({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin',
      'x-frame-options': 'DENY',
      vary: 'Cookie',
    });
    const token = /value="([^"]+)"/.exec(page.text)![1]!;
    expect((await client.post('/submit/', { csrfmiddlewaretoken: token })).status).toBe(200);
    expect((await client.post('/submit/', {})).status).toBe(403);
    expect((await client.get('/api/', undefined, { headers: { host: 'evil.com' } })).status).toBe(400);
  });

  it('lets the project override defaults, including from the environment', async () => {
    const app = project({ X_FRAME_OPTIONS: 'SAMEORIGIN', SECURE_CSP: { 'default-src': [CSP.SELF] } }, { MANOUCHE_SECURE_HSTS_SECONDS: '3600' });
    expect(app.settings.SECURE_HSTS_SECONDS).toBe(3600);
    const response = await new Client(app, { host: 'example.com' }).get('/api/', undefined, { secure: true });
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toBe('max-age=3600');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors 'self'");
  });

  it('keeps a MIDDLEWARE list the project wrote itself', () => {
    expect(project({ MIDDLEWARE: [securityMiddleware] }).settings.MIDDLEWARE).toEqual([securityMiddleware]);
  });
});

describe('deployment checks', () => {
  it('run only with --deploy', async () => {
    expect(await ids({}, false)).toEqual([]);
  });

  it('flag what Django flags with the default settings', async () => {
    expect(await ids()).toEqual(['security.W004', 'security.W008', 'security.W016']);
  });

  it('are quiet for a hardened configuration', async () => {
    expect(
      await ids({
        SECURE_HSTS_SECONDS: 31536000,
        SECURE_HSTS_INCLUDE_SUBDOMAINS: true,
        SECURE_HSTS_PRELOAD: true,
        SECURE_SSL_REDIRECT: true,
        CSRF_COOKIE_SECURE: true,
      }),
    ).toEqual([]);
  });

  it('flag weak HSTS, nosniff off, missing Referrer-Policy and a framing policy other than DENY', async () => {
    expect(await ids({ SECURE_HSTS_SECONDS: 60, SECURE_SSL_REDIRECT: true, CSRF_COOKIE_SECURE: true, SECURE_CONTENT_TYPE_NOSNIFF: false, SECURE_REFERRER_POLICY: null, X_FRAME_OPTIONS: 'SAMEORIGIN' })).toEqual([
      'security.W005',
      'security.W006',
      'security.W019',
      'security.W021',
      'security.W022',
    ]);
  });

  it('flag missing middleware', async () => {
    expect(await ids({ MIDDLEWARE: [] })).toEqual(['security.W001', 'security.W002', 'security.W003']);
    expect(await ids({ MIDDLEWARE: [securityMiddleware, csrfViewMiddleware, xFrameOptionsMiddleware], SECURE_SSL_REDIRECT: true, SECURE_HSTS_SECONDS: 1, SECURE_HSTS_INCLUDE_SUBDOMAINS: true, SECURE_HSTS_PRELOAD: true, CSRF_USE_SESSIONS: true })).toEqual([]);
  });

  it('flag insecure session cookies when sessions are configured, and an empty ALLOWED_HOSTS under DEBUG', async () => {
    const sessions = { SESSION_COOKIE_SECURE: false, SESSION_COOKIE_HTTPONLY: false } as UserSettings;
    expect(await ids(sessions)).toEqual(['security.W004', 'security.W008', 'security.W010', 'security.W012', 'security.W016']);
    expect(await ids({ DEBUG: true, ALLOWED_HOSTS: [] })).toContain('security.W020');
    expect(await ids({ DEBUG: true })).not.toContain('security.W020');
  });

  it('do not repeat core’s DEBUG and SECRET_KEY checks', async () => {
    const all = (await runChecks(project({ DEBUG: true }), { deploy: true })).map((m) => m.id);
    expect(all.filter((id) => id === 'security.W018')).toHaveLength(1);
  });

  it('invalid header values stop start-up, with Django’s ids', () => {
    expect(() => project({ SECURE_REFERRER_POLICY: 'nope' })).toThrow(/\(security\.E023\)/);
    expect(() => project({ SECURE_CROSS_ORIGIN_OPENER_POLICY: 'nope' })).toThrow(/\(security\.E024\)/);
  });
});
