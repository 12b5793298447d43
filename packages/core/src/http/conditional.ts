import type { HttpRequest } from './request';
import { HttpResponse, HttpResponseNotModified } from './response';

export interface Validators {
  /** A quoted entity tag, weak (`W/"…"`) or strong. */
  etag?: string;
  lastModified?: Date;
}

/** Parse an If-Match / If-None-Match list: `*` or quoted tags. */
function parseEtags(header: string): string[] {
  if (header.trim() === '*') return ['*'];
  return header.match(/(?:W\/)?"[^"]*"/g) ?? [];
}

const stripWeak = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);

function parseHttpDate(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const ms = Date.parse(header);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * Django's get_conditional_response: evaluate If-Match, If-Unmodified-Since,
 * If-None-Match and If-Modified-Since (RFC 9110 §13.2.2 order) and return the
 * 304 or 412 to send instead, or null to send the full response.
 */
export function conditionalResponse(request: HttpRequest, validators: Validators): HttpResponse | null {
  const { etag, lastModified } = validators;
  const lastModifiedSeconds = lastModified ? Math.floor(lastModified.getTime() / 1000) : undefined;
  const ifMatch = request.header('if-match');
  const ifUnmodifiedSince = parseHttpDate(request.header('if-unmodified-since'));
  const ifNoneMatch = request.header('if-none-match');
  const ifModifiedSince = parseHttpDate(request.header('if-modified-since'));

  if (ifMatch !== undefined) {
    const tags = parseEtags(ifMatch);
    // If-Match uses the strong comparison: weak tags never match
    const ok = etag !== undefined && !etag.startsWith('W/') && (tags.includes('*') || tags.some((t) => !t.startsWith('W/') && t === etag));
    if (!ok) return preconditionFailed();
  } else if (ifUnmodifiedSince !== undefined && lastModifiedSeconds !== undefined && lastModifiedSeconds > ifUnmodifiedSince) {
    return preconditionFailed();
  }

  const safe = request.method === 'GET' || request.method === 'HEAD';
  if (ifNoneMatch !== undefined) {
    const tags = parseEtags(ifNoneMatch);
    const matches = etag !== undefined && (tags.includes('*') || tags.some((t) => stripWeak(t) === stripWeak(etag)));
    if (matches) return safe ? notModified(validators) : preconditionFailed();
  } else if (ifModifiedSince !== undefined && safe && lastModifiedSeconds !== undefined && lastModifiedSeconds <= ifModifiedSince) {
    return notModified(validators);
  }
  return null;
}

function notModified(validators: Validators): HttpResponse {
  const response = new HttpResponseNotModified();
  if (validators.etag) response.headers.set('etag', validators.etag);
  if (validators.lastModified) response.headers.set('last-modified', validators.lastModified.toUTCString());
  return response;
}

function preconditionFailed(): HttpResponse {
  return new HttpResponse('', { status: 412 });
}
