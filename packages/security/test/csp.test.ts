import { Client, commonMiddleware, HttpResponse, ImproperlyConfigured, JsonResponse, path } from '@manouche/core';
import {
  buildPolicy,
  CSP,
  cspMiddleware,
  cspOverride,
  cspReportOnlyOverride,
  cspReportView,
  csrfViewMiddleware,
  getCspNonce,
  securityContextProcessor,
  type CspViolation,
} from '../src/index';
import { makeApp, memoryLogger } from './helpers';

const received: CspViolation[] = [];
const urls = [
  path('page/', () => new HttpResponse('<p>no scripts</p>')),
  path('script/', (request) => new HttpResponse(`<script nonce="${getCspNonce(request)}">go()</script>`)),
  path('template/', (request) => {
    const context = securityContextProcessor(request);
    return new JsonResponse({ nonce: context.cspNonce, again: context.cspNonce });
  }),
  path('relaxed/', cspOverride({ 'default-src': [CSP.SELF, 'https://cdn.example.net'] })(() => new HttpResponse('x'))),
  path('no-policy/', cspOverride({})(() => new HttpResponse('x'))),
  path('own/', () => new HttpResponse('x', { headers: { 'content-security-policy': "default-src 'none'" } })),
  path('trial/', cspReportOnlyOverride({ 'img-src': [CSP.SELF] })(() => new HttpResponse('x'))),
  path('csp-report/', cspReportView({ maxBytes: 2048, onReport: (v) => received.push(v) })),
];

const POLICY = { 'default-src': [CSP.SELF], 'script-src': [CSP.SELF, CSP.NONCE], 'upgrade-insecure-requests': true, 'object-src': false } as const;

type Extra = Parameters<typeof makeApp>[1];
function setup(settings: Extra = {}) {
  const logger = memoryLogger();
  const app = makeApp(urls, { MIDDLEWARE: [cspMiddleware, commonMiddleware, csrfViewMiddleware], SECURE_CSP: POLICY, ...settings }, { logger });
  return { logger, client: new Client(app, { host: 'example.com', enforceCsrfChecks: true }) };
}

describe('buildPolicy', () => {
  it('writes directives in order, drops false ones, and places the nonce only when given', () => {
    expect(buildPolicy(POLICY)).toBe("default-src 'self'; script-src 'self'; upgrade-insecure-requests");
    expect(buildPolicy(POLICY, 'abc')).toBe("default-src 'self'; script-src 'self' 'nonce-abc'; upgrade-insecure-requests");
    expect(buildPolicy({ 'script-src': [CSP.NONCE] })).toBe('');
    expect(buildPolicy({ 'script-src': [CSP.NONCE] }, 'n')).toBe("script-src 'nonce-n'");
    expect(buildPolicy({ 'img-src': 'https:' , 'font-src': [] })).toBe('img-src https:');
  });

  it('refuses values that would inject other directives or headers', () => {
    expect(() => buildPolicy({ 'script-src': ["'self'; script-src *"] })).toThrow(/must be a list of sources without ";"/);
    expect(() => buildPolicy({ 'script-src': ['a\r\nSet-Cookie: x'] })).toThrow(ImproperlyConfigured);
    expect(() => buildPolicy({ 'script src': ['a'] })).toThrow(/"script src" is not a CSP directive name/);
    expect(() => buildPolicy([] as never)).toThrow(/must be an object of directives/);
  });
});

describe('cspMiddleware', () => {
  it('sends no policy when none is configured', async () => {
    const { client } = setup({ SECURE_CSP: {} });
    const response = await client.get('/script/');
    expect(response.headers.get('content-security-policy')).toBeUndefined();
    expect(response.headers.get('content-security-policy-report-only')).toBeUndefined();
  });

  it('sends the policy without a nonce when the page used none', async () => {
    const { client } = setup();
    expect((await client.get('/page/')).headers.get('content-security-policy')).toBe("default-src 'self'; script-src 'self'; upgrade-insecure-requests");
  });

  it('puts the nonce the page used in the policy, a new one per request', async () => {
    const { client } = setup();
    const first = await client.get('/script/');
    const nonce = /nonce="([^"]+)"/.exec(first.text)![1]!;
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(first.headers.get('content-security-policy')).toBe(`default-src 'self'; script-src 'self' 'nonce-${nonce}'; upgrade-insecure-requests`);
    const second = await client.get('/script/');
    expect(/nonce="([^"]+)"/.exec(second.text)![1]).not.toBe(nonce);
  });

  it('gives templates the same nonce as the header, through the context processor', async () => {
    const { client } = setup();
    const response = await client.get('/template/');
    const { nonce, again } = response.json<{ nonce: string; again: string }>();
    expect(again).toBe(nonce);
    expect(response.headers.get('content-security-policy')).toContain(`'nonce-${nonce}'`);
    // the processor did not touch the CSRF token: no cookie
    expect(response.response.hasCookies).toBe(false);
  });

  it('sends a report-only policy, alone or beside the enforced one', async () => {
    const { client } = setup({ SECURE_CSP: {}, SECURE_CSP_REPORT_ONLY: { 'default-src': [CSP.SELF], 'report-uri': ['/csp-report/'] } });
    const response = await client.get('/page/');
    expect(response.headers.get('content-security-policy')).toBeUndefined();
    expect(response.headers.get('content-security-policy-report-only')).toBe("default-src 'self'; report-uri /csp-report/");
    const both = setup({ SECURE_CSP_REPORT_ONLY: { 'script-src': [CSP.NONCE, CSP.STRICT_DYNAMIC] } });
    const r = await both.client.get('/script/');
    const nonce = /nonce="([^"]+)"/.exec(r.text)![1]!;
    expect(r.headers.get('content-security-policy-report-only')).toBe(`script-src 'nonce-${nonce}' 'strict-dynamic'`);
    expect(r.headers.get('content-security-policy')).toContain(`'nonce-${nonce}'`);
  });

  it('follows per-view overrides, and keeps a policy the view set itself', async () => {
    const { client } = setup();
    expect((await client.get('/relaxed/')).headers.get('content-security-policy')).toBe("default-src 'self' https://cdn.example.net");
    expect((await client.get('/no-policy/')).headers.get('content-security-policy')).toBeUndefined();
    expect((await client.get('/own/')).headers.get('content-security-policy')).toBe("default-src 'none'");
    expect((await client.get('/trial/')).headers.get('content-security-policy-report-only')).toBe("img-src 'self'");
  });

  it('refuses a bad SECURE_CSP at start-up', () => {
    expect(() => setup({ SECURE_CSP: { 'script-src': ["'self';"] } })).toThrow(/SECURE_CSP\['script-src'\]/);
    expect(() => setup({ SECURE_CSP_REPORT_ONLY: { 'a b': true } })).toThrow(/SECURE_CSP_REPORT_ONLY/);
  });
});

describe('cspReportView', () => {
  const legacy = { 'csp-report': { 'document-uri': 'https://example.com/page/', 'blocked-uri': 'https://evil.com/x.js', 'effective-directive': 'script-src-elem', disposition: 'enforce', 'line-number': 3 } };
  const modern = [
    { type: 'csp-violation', body: { documentURL: 'https://example.com/a/', blockedURL: 'inline', effectiveDirective: 'script-src-elem', disposition: 'report', sample: 'x'.repeat(500) } },
    { type: 'deprecation', body: {} },
  ];

  it('logs legacy report-uri reports and Reporting API batches, without a CSRF token', async () => {
    const { client, logger } = setup();
    received.length = 0;
    const a = await client.post('/csp-report/', JSON.stringify(legacy), { contentType: 'application/csp-report', headers: { origin: 'https://example.com' } });
    expect(a.status).toBe(204);
    const b = await client.post('/csp-report/', JSON.stringify(modern), { contentType: 'application/reports+json' });
    expect(b.status).toBe(204);
    expect(received).toEqual([
      { documentURL: 'https://example.com/page/', blockedURL: 'https://evil.com/x.js', effectiveDirective: 'script-src-elem', disposition: 'enforce', lineNumber: 3 },
      { documentURL: 'https://example.com/a/', blockedURL: 'inline', effectiveDirective: 'script-src-elem', disposition: 'report', sample: `${'x'.repeat(100)}…` },
    ]);
    expect(logger.lines.filter((l) => l.message.startsWith('CSP violation'))).toHaveLength(2);
    expect(logger.lines.find((l) => l.message.startsWith('CSP violation'))!.message).toBe(
      'CSP violation (enforce): script-src-elem blocked https://evil.com/x.js on https://example.com/page/',
    );
  });

  it('refuses oversized, malformed, mistyped and non-POST reports', async () => {
    const { client } = setup();
    const big = JSON.stringify({ 'csp-report': { 'document-uri': 'x'.repeat(3000) } });
    expect((await client.post('/csp-report/', big, { contentType: 'application/csp-report' })).status).toBe(413);
    expect((await client.post('/csp-report/', '{"csp-report":', { contentType: 'application/csp-report' })).status).toBe(400);
    expect((await client.post('/csp-report/', '{"hello":1}', { contentType: 'application/json' })).status).toBe(400);
    expect((await client.post('/csp-report/', JSON.stringify(legacy), { contentType: 'text/plain' })).status).toBe(415);
    expect((await client.get('/csp-report/')).status).toBe(405);
  });
});
