import type { HttpResponse } from './response';

/** Django's `patch_vary_headers`: add header names to Vary, without duplicates. */
export function patchVaryHeaders(response: HttpResponse, headers: readonly string[]): void {
  const current = (response.headers.get('vary') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (current.includes('*')) return;
  const lower = new Set(current.map((h) => h.toLowerCase()));
  const added = headers.filter((h) => {
    const key = h.toLowerCase();
    if (lower.has(key)) return false;
    lower.add(key);
    return true;
  });
  if (added.length === 0) return;
  const all = [...current, ...added];
  response.headers.set('vary', all.includes('*') ? '*' : all.join(', '));
}

/** Django's `has_vary_header`. */
export function hasVaryHeader(response: HttpResponse, header: string): boolean {
  const vary = response.headers.get('vary');
  if (!vary) return false;
  const key = header.toLowerCase();
  return vary.split(',').some((h) => h.trim().toLowerCase() === key);
}

/** Django's `patch_cache_control`: merge directives into Cache-Control (`{ maxAge: 60, private: true }`). */
export function patchCacheControl(response: HttpResponse, directives: Record<string, string | number | boolean>): void {
  const parsed = new Map<string, string | true>();
  for (const part of (response.headers.get('cache-control') ?? '').split(',')) {
    const [rawKey, value] = part.split('=');
    const key = rawKey?.trim().toLowerCase();
    if (key) parsed.set(key, value === undefined ? true : value.trim());
  }
  // as Django: when max-age is already set, the shorter of the two wins
  const existingMaxAge = parsed.get('max-age');
  if (typeof existingMaxAge === 'string' && typeof directives.maxAge === 'number') {
    directives = { ...directives, maxAge: Math.min(Number(existingMaxAge), directives.maxAge) };
  }
  for (const [name, value] of Object.entries(directives)) {
    const key = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/_/g, '-');
    if (value === false) parsed.delete(key);
    else parsed.set(key, value === true ? true : String(value));
  }
  // a response cannot be both private and public
  if (directives.private) parsed.delete('public');
  if (directives.public) parsed.delete('private');
  const text = [...parsed].map(([k, v]) => (v === true ? k : `${k}=${v}`)).join(', ');
  if (text) response.headers.set('cache-control', text);
}

/** Django's `add_never_cache_headers`. */
export function addNeverCacheHeaders(response: HttpResponse): void {
  if (!response.headers.has('expires')) response.headers.set('expires', new Date().toUTCString());
  patchCacheControl(response, { maxAge: 0, noCache: true, noStore: true, mustRevalidate: true, private: true });
}
