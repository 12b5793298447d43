import { Client, commonMiddleware, HttpResponse, ImproperlyConfigured, path } from '@manouche/core';
import {
  allowedHostsMiddleware,
  cspMiddleware,
  securityMiddleware,
  xFrameOptionsMiddleware,
  xframeOptionsDeny,
  xframeOptionsExempt,
  xframeOptionsSameorigin,
} from '../src/index';
import { makeApp, memoryLogger } from './helpers';

const urls = [
  path('page/', () => new HttpResponse('page')),
  path('own-headers/', () => new HttpResponse('own', { headers: { 'referrer-policy': 'no-referrer', 'x-frame-options': 'SAMEORIGIN', 'strict-transport-security': 'max-age=1' } })),
  path('deny/', xframeOptionsDeny(() => new HttpResponse('deny'))),
  path('sameorigin/', xframeOptionsSameorigin(async () => new HttpResponse('same'))),
  path('exempt/', xframeOptionsExempt(() => new HttpResponse('embed me'))),
  path('health/', () => new HttpResponse('ok')),
  path('absolute/', (request) => new HttpResponse(request.buildAbsoluteUri('/reset/abc/'))),
];

type Extra = Parameters<typeof makeApp>[1];
function setup(settings: Extra = {}, middleware = [securityMiddleware, commonMiddleware, xFrameOptionsMiddleware]) {
  const logger = memoryLogger();
  const app = makeApp(urls, { MIDDLEWARE: middleware, ...settings }, { logger });
  return { app, logger, client: new Client(app, { host: 'example.com' }) };
}

describe('securityMiddleware', () => {
  it('sends nosniff, Referrer-Policy and Cross-Origin-Opener-Policy by default, and no HSTS', async () => {
    const { client } = setup();
    for (const secure of [false, true]) {
      const response = await client.get('/page/', undefined, { secure });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('strict-transport-security')).toBeUndefined();
    }
  });

  it('adds its headers to error pages too', async () => {
    const { client } = setup();
    const response = await client.get('/missing/');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('sends HSTS over HTTPS only, with its options', async () => {
    const { client } = setup({ SECURE_HSTS_SECONDS: 31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS: true, SECURE_HSTS_PRELOAD: true });
    expect((await client.get('/page/', undefined, { secure: true })).headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains; preload');
    expect((await client.get('/page/')).headers.get('strict-transport-security')).toBeUndefined();
    const plain = setup({ SECURE_HSTS_SECONDS: 3600 });
    expect((await plain.client.get('/page/', undefined, { secure: true })).headers.get('strict-transport-security')).toBe('max-age=3600');
  });

  it('leaves headers the view set', async () => {
    const { client } = setup({ SECURE_HSTS_SECONDS: 3600 });
    const response = await client.get('/own-headers/', undefined, { secure: true });
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('strict-transport-security')).toBe('max-age=1');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('turns each header off, and joins Referrer-Policy fallbacks', async () => {
    const { client } = setup({ SECURE_CONTENT_TYPE_NOSNIFF: false, SECURE_REFERRER_POLICY: null, SECURE_CROSS_ORIGIN_OPENER_POLICY: null });
    const response = await client.get('/page/');
    expect(response.headers.get('x-content-type-options')).toBeUndefined();
    expect(response.headers.get('referrer-policy')).toBeUndefined();
    expect(response.headers.get('cross-origin-opener-policy')).toBeUndefined();
    const fallbacks = setup({ SECURE_REFERRER_POLICY: ['no-referrer', 'strict-origin-when-cross-origin'], SECURE_CROSS_ORIGIN_OPENER_POLICY: 'same-origin-allow-popups' });
    const r = await fallbacks.client.get('/page/');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer,strict-origin-when-cross-origin');
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin-allow-popups');
    expect((await setup({ SECURE_REFERRER_POLICY: 'origin, strict-origin' }).client.get('/page/')).headers.get('referrer-policy')).toBe('origin,strict-origin');
  });

  it('refuses invalid values at start-up, naming them and the choices', () => {
    expect(() => setup({ SECURE_REFERRER_POLICY: 'same_origin' })).toThrow(/SECURE_REFERRER_POLICY must be one of no-referrer, .*; got "same_origin"/);
    expect(() => setup({ SECURE_CROSS_ORIGIN_OPENER_POLICY: 'deny' })).toThrow(/SECURE_CROSS_ORIGIN_OPENER_POLICY must be one of same-origin/);
    expect(() => setup({ SECURE_HSTS_SECONDS: -1 })).toThrow(ImproperlyConfigured);
    expect(() => setup({ SECURE_HSTS_SECONDS: 'forever' as never })).toThrow(/SECURE_HSTS_SECONDS/);
    expect(() => setup({ SECURE_SSL_HOST: 'https://secure.example.com' })).toThrow(/SECURE_SSL_HOST/);
    expect(() => setup({ SECURE_REDIRECT_EXEMPT: ['(unclosed'] })).toThrow(/SECURE_REDIRECT_EXEMPT has an invalid regular expression "\(unclosed"/);
    expect(() => setup({ X_FRAME_OPTIONS: 'ALLOW-FROM x' as never })).toThrow(/X_FRAME_OPTIONS setting must be "DENY" or "SAMEORIGIN"; got "ALLOW-FROM x"/);
  });

  describe('SECURE_SSL_REDIRECT', () => {
    it('redirects plain HTTP to the same URL over HTTPS, with the security headers', async () => {
      const { client } = setup({ SECURE_SSL_REDIRECT: true });
      const response = await client.get('/page/?a=1&b=%20');
      expect(response.status).toBe(301);
      expect(response.url).toBe('https://example.com/page/?a=1&b=%20');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await client.get('/page/', undefined, { secure: true })).status).toBe(200);
    });

    it('redirects to SECURE_SSL_HOST, and not SECURE_REDIRECT_EXEMPT paths', async () => {
      const { client } = setup({ SECURE_SSL_REDIRECT: true, SECURE_SSL_HOST: 'secure.example.com', SECURE_REDIRECT_EXEMPT: ['^health/$', /^public\//] });
      expect((await client.get('/page/')).url).toBe('https://secure.example.com/page/');
      expect((await client.get('/health/')).status).toBe(200);
    });

    it('never redirects to a host outside ALLOWED_HOSTS', async () => {
      const { client } = setup({ SECURE_SSL_REDIRECT: true });
      const response = await client.get('/page/', undefined, { headers: { host: 'evil.com' } });
      expect(response.status).toBe(400);
      expect(response.url).toBeUndefined();
    });

    it('keeps a protocol-relative-looking path on the site', async () => {
      const { client } = setup({ SECURE_SSL_REDIRECT: true });
      expect((await client.get('//evil.com/')).url).toBe('https://example.com//evil.com/');
    });

    it('does not loop behind a TLS-terminating proxy named by SECURE_PROXY_SSL_HEADER', async () => {
      const { client } = setup({ SECURE_SSL_REDIRECT: true, SECURE_HSTS_SECONDS: 60, SECURE_PROXY_SSL_HEADER: ['x-forwarded-proto', 'https'] });
      // the proxy forwards plain HTTP, saying the client used HTTPS: served, once, with HSTS
      const proxied = await client.get('/page/', undefined, { headers: { 'x-forwarded-proto': 'https' } });
      expect(proxied.status).toBe(200);
      expect(proxied.headers.get('strict-transport-security')).toBe('max-age=60');
      // the client really used HTTP: one redirect, whose target is then served
      const plain = await client.get('/page/', undefined, { headers: { 'x-forwarded-proto': 'http' } });
      expect(plain.status).toBe(301);
      const target = new URL(plain.url!);
      expect((await client.get(target.pathname, undefined, { headers: { 'x-forwarded-proto': 'https' } })).status).toBe(200);
    });

    it('warns once when a proxy says HTTPS but SECURE_PROXY_SSL_HEADER is not set (the redirect would loop)', async () => {
      const { client, logger } = setup({ SECURE_SSL_REDIRECT: true });
      for (let i = 0; i < 3; i++) expect((await client.get('/page/', undefined, { headers: { 'x-forwarded-proto': 'https' } })).status).toBe(301);
      const warnings = logger.lines.filter((l) => l.message.includes('SECURE_PROXY_SSL_HEADER'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toContain('redirected in a loop');
    });
  });
});

describe('X-Frame-Options', () => {
  it('is DENY by default, SAMEORIGIN when configured', async () => {
    expect((await setup().client.get('/page/')).headers.get('x-frame-options')).toBe('DENY');
    expect((await setup({ X_FRAME_OPTIONS: 'SAMEORIGIN' }).client.get('/page/')).headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect((await setup({ X_FRAME_OPTIONS: 'sameorigin' as never }).client.get('/page/')).headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('follows the view decorators, sync and async views alike', async () => {
    const { client } = setup({ X_FRAME_OPTIONS: 'SAMEORIGIN' });
    expect((await client.get('/deny/')).headers.get('x-frame-options')).toBe('DENY');
    expect((await setup().client.get('/sameorigin/')).headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect((await client.get('/exempt/')).headers.get('x-frame-options')).toBeUndefined();
  });

  it('adds frame-ancestors to the CSP to match, unless the policy has its own', async () => {
    const stack = [securityMiddleware, cspMiddleware, commonMiddleware, xFrameOptionsMiddleware];
    const { client } = setup({ SECURE_CSP: { 'default-src': ["'self'"] } }, stack);
    expect((await client.get('/page/')).headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors 'none'");
    expect((await client.get('/sameorigin/')).headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors 'self'");
    expect((await client.get('/exempt/')).headers.get('content-security-policy')).toBe("default-src 'self'");
    const own = setup({ SECURE_CSP: { 'default-src': ["'self'"], 'frame-ancestors': ['https://partner.net'] } }, stack);
    expect((await own.client.get('/page/')).headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors https://partner.net");
  });
});

describe('Host header attacks', () => {
  // allowedHostsMiddleware alone, as a project without commonMiddleware would use it
  const hostsOnly = (settings: Extra = {}) => setup(settings, [allowedHostsMiddleware]).client;

  it('refuses a Host outside ALLOWED_HOSTS, or none, with a 400', async () => {
    const client = hostsOnly();
    expect((await client.get('/page/')).status).toBe(200);
    expect((await client.get('/page/', undefined, { headers: { host: 'evil.com' } })).status).toBe(400);
    expect((await client.get('/page/', undefined, { headers: { host: '' } })).status).toBe(400);
  });

  it('ignores X-Forwarded-Host unless USE_X_FORWARDED_HOST trusts it', async () => {
    const client = hostsOnly();
    const response = await client.get('/absolute/', undefined, { headers: { 'x-forwarded-host': 'evil.com' } });
    expect(response.text).toBe('http://example.com/reset/abc/');
    const trusting = hostsOnly({ USE_X_FORWARDED_HOST: true });
    expect((await trusting.get('/absolute/', undefined, { headers: { 'x-forwarded-host': 'evil.com' } })).status).toBe(400);
    expect((await trusting.get('/absolute/', undefined, { headers: { 'x-forwarded-host': 'example.com, evil.com' } })).status).toBe(200);
  });

  it('takes the host from an absolute-URI request line, as RFC 9112 says, and checks it', async () => {
    const client = hostsOnly();
    expect((await client.get('http://evil.com/absolute/')).status).toBe(400);
    const ok = await client.get('http://example.com/absolute/', undefined, { headers: { host: 'evil.com' } });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('http://example.com/reset/abc/');
  });

  it('is not fooled by port, user-info or suffix tricks', async () => {
    const client = hostsOnly();
    for (const host of ['example.com:80@evil.com', 'evil.com#example.com', 'example.com:abc', 'example.com.evil.com', 'evilexample.com', 'example.com:8000:evil.com', 'example.com evil.com', 'exa\u017Fmple.com']) {
      expect([host, (await client.get('/page/', undefined, { headers: { host } })).status]).toEqual([host, 400]);
    }
    for (const host of ['example.com:8000', 'EXAMPLE.com', 'example.com.']) {
      expect([host, (await client.get('/page/', undefined, { headers: { host } })).status]).toEqual([host, 200]);
    }
  });

  it('matches subdomains only for a leading-dot entry, and anything only for an explicit *', async () => {
    expect((await hostsOnly({ ALLOWED_HOSTS: ['.example.com'] }).get('/page/', undefined, { headers: { host: 'a.example.com' } })).status).toBe(200);
    expect((await hostsOnly().get('/page/', undefined, { headers: { host: 'a.example.com' } })).status).toBe(400);
    expect((await hostsOnly({ ALLOWED_HOSTS: ['*'] }).get('/page/', undefined, { headers: { host: 'anything.net' } })).status).toBe(200);
  });
});
