import { getDefaultApplication } from '../app/application';
import { HttpResponsePermanentRedirect, HttpResponseRedirect } from '../http/response';

/**
 * Django's `redirect()`: to a URL (`/path/`, `https://…`, `../`) or to a named
 * route (`redirect('blog:detail', { id: 3 })`).
 */
export function redirect(to: string, params?: Record<string, unknown>, options: { permanent?: boolean } = {}): HttpResponseRedirect {
  const looksLikeUrl = to.includes('/') || to.startsWith('.') || to.startsWith('?');
  const url = looksLikeUrl && params === undefined ? to : getDefaultApplication().reverse(to, params);
  return options.permanent ? new HttpResponsePermanentRedirect(url) : new HttpResponseRedirect(url);
}
