export { securityDefaults } from './settings';
export type { CsrfFailureView, RequestSettings, SecurityOptions, SecuritySettings } from './settings';

// CSRF
export { csrfViewMiddleware } from './csrf/middleware';
export { csrfExempt, ensureCsrfCookie } from './csrf/decorators';
export { CSRF_SESSION_KEY, getToken, rotateToken } from './csrf/state';
export type { SessionLike } from './csrf/state';
export { csrfFailure, csrfFailurePage } from './csrf/failure';
export { CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH } from './csrf/token';
export * from './csrf/reasons';

// Headers, clickjacking, hosts
export { securityMiddleware } from './security-middleware';
export { CROSS_ORIGIN_OPENER_POLICY_VALUES, REFERRER_POLICY_VALUES } from './headers-config';
export { xFrameOptionsMiddleware, xframeOptionsDeny, xframeOptionsExempt, xframeOptionsSameorigin } from './clickjacking';
export { allowedHostsMiddleware } from './hosts';

// CSP
export { buildPolicy, compilePolicy, CSP } from './csp/policy';
export type { CompiledPolicy, CspConfig } from './csp/policy';
export { getCspNonce } from './csp/nonce';
export { cspMiddleware, cspOverride, cspReportOnlyOverride } from './csp/middleware';
export { cspReportView, parseCspReport } from './csp/report-view';
export type { CspReportViewOptions, CspViolation } from './csp/report-view';

// Templates
export { securityContextProcessor } from './context-processor';
export type { SecurityContext } from './context-processor';

// Rate limiting
export { RateLimiter } from './ratelimit/limiter';
export type { RateLimiterOptions, RateLimitResult } from './ratelimit/limiter';
export { MemoryStore } from './ratelimit/store';
export type { Algorithm, MemoryStoreOptions, RateLimitStore, Rule, StoreHit } from './ratelimit/store';
export { parseRate } from './ratelimit/rate';
export type { Rate } from './ratelimit/rate';
export { rateLimitMiddleware, ratelimit, tooManyRequests } from './ratelimit/middleware';
export type { RateLimitKey, RateLimitOptions } from './ratelimit/middleware';

// App
export { defaultMiddleware, securityApp } from './app';
export { securityChecks } from './checks';

// Express / Connect
export { expressSecurity } from './express/stack';
export { expressCsrf } from './express/csrf';
export type { ExpressCsrfOptions } from './express/csrf';
export { expressAllowedHosts, expressCsp, expressSecurityHeaders, expressXFrameOptions } from './express/headers';
export { expressRateLimit } from './express/ratelimit';
export type { ExpressRateLimitOptions } from './express/ratelimit';
export type { ConnectMiddleware, ExpressOptions } from './express/types';
