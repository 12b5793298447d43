import { BadRequest, type HttpRequest, HttpResponse, MethodNotAllowed, RequestDataTooBig, UnsupportedMediaType, type ViewFunction } from '@manouche/core';
import { csrfExempt } from '../csrf/decorators';

/** One violation, normalised from either report format and trimmed for logging. */
export interface CspViolation {
  documentURL: string;
  blockedURL: string;
  effectiveDirective: string;
  disposition: string;
  sourceFile?: string;
  lineNumber?: number;
  sample?: string;
}

export interface CspReportViewOptions {
  /** Largest report body accepted, in bytes (default 16 KiB); larger ones get a 413. */
  maxBytes?: number;
  /** At most this many violations are read from one request (default 20). */
  maxReports?: number;
  /** Called for each violation, besides the warning logged. */
  onReport?: (violation: CspViolation, request: HttpRequest) => void;
}

const TYPES = new Set(['application/csp-report', 'application/reports+json', 'application/json']);

function text(value: unknown, max = 500): string {
  const s = typeof value === 'string' ? value : '';
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function normalise(body: Record<string, unknown>, legacy: boolean): CspViolation {
  // report-uri (legacy) uses kebab-case keys; the Reporting API camelCase
  const get = (camel: string, kebab: string): unknown => (legacy ? body[kebab] : body[camel]);
  const line = get('lineNumber', 'line-number');
  const source = text(get('sourceFile', 'source-file'));
  const sample = text(get('sample', 'script-sample'), 100);
  return {
    documentURL: text(get('documentURL', 'document-uri')),
    blockedURL: text(get('blockedURL', 'blocked-uri')),
    effectiveDirective: text(get('effectiveDirective', 'effective-directive') || body['violated-directive'], 100),
    disposition: text(get('disposition', 'disposition'), 20) || 'enforce',
    ...(source ? { sourceFile: source } : {}),
    ...(typeof line === 'number' ? { lineNumber: line } : {}),
    ...(sample ? { sample } : {}),
  };
}

/** The violations in a report body, in either format; throws BadRequest for anything else. */
export function parseCspReport(payload: unknown, maxReports: number): CspViolation[] {
  if (Array.isArray(payload)) {
    return payload
      .filter((r): r is { type: string; body: Record<string, unknown> } => typeof r === 'object' && r !== null && r.type === 'csp-violation' && typeof r.body === 'object' && r.body !== null)
      .slice(0, maxReports)
      .map((r) => normalise(r.body, false));
  }
  const legacy = (payload as { 'csp-report'?: unknown } | null)?.['csp-report'];
  if (typeof legacy === 'object' && legacy !== null) return [normalise(legacy as Record<string, unknown>, true)];
  throw new BadRequest('Not a CSP report: expected {"csp-report": {...}} or a Reporting API array.');
}

/**
 * A view receiving the browser's CSP violation reports (`report-uri` or
 * `report-to`): it reads at most `maxBytes`, logs each violation as a
 * warning and answers 204. Exempt from CSRF, since browsers send reports
 * without a token. Route it, and point the policy at it:
 * `'report-uri': ['/csp-report/']`.
 */
export function cspReportView(options: CspReportViewOptions = {}): ViewFunction {
  const maxBytes = options.maxBytes ?? 16 * 1024;
  const maxReports = options.maxReports ?? 20;
  return csrfExempt(async (request: HttpRequest) => {
    if (request.method !== 'POST') throw new MethodNotAllowed(request.method, ['POST']);
    if (!TYPES.has(request.contentType)) throw new UnsupportedMediaType(`CSP reports are sent as application/csp-report or application/reports+json, not ${JSON.stringify(request.contentType)}.`);
    const declared = Number(request.headers['content-length']);
    if (declared > maxBytes) throw new RequestDataTooBig(`A CSP report may be at most ${maxBytes} bytes; this one declares ${declared}.`);
    const body = await request.body();
    if (body.length > maxBytes) throw new RequestDataTooBig(`A CSP report may be at most ${maxBytes} bytes; this one has ${body.length}.`);
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BadRequest('Malformed JSON in CSP report.', 'malformed_json');
    }
    for (const violation of parseCspReport(payload, maxReports)) {
      request.app.logger.warn(`CSP violation (${violation.disposition}): ${violation.effectiveDirective} blocked ${violation.blockedURL || 'inline'} on ${violation.documentURL}`, {
        cspViolation: violation,
        security: true,
      });
      options.onReport?.(violation, request);
    }
    return new HttpResponse('', { status: 204 });
  });
}
