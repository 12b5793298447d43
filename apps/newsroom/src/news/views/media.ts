import { realpath } from 'node:fs/promises';
import { Http404, type HttpRequest, requireSafe, serveFromRoots } from '@manouche/core';

const roots = new Map<string, Promise<string[]>>();

function mediaRoot(root: string): Promise<string[]> {
  let found = roots.get(root);
  if (!found) {
    found = realpath(root).then((real) => [real]);
    // a folder that does not exist yet (nothing uploaded) is looked up again next time
    found.catch(() => roots.delete(root));
    roots.set(root, found);
  }
  return found;
}

/**
 * Uploaded pictures under MEDIA_URL, from MEDIA_ROOT (read per request's
 * settings). Names are resolved inside the folder only; a production site
 * would let its front server do this.
 */
export const serveMedia = requireSafe(async (request: HttpRequest, { path }: { path: string }) => {
  const root = request.settings.MEDIA_ROOT;
  if (!root) throw new Http404('MEDIA_ROOT is not set.');
  const found = await mediaRoot(root).catch(() => {
    throw new Http404(`"${path}" could not be found`);
  });
  return serveFromRoots(request, Promise.resolve(found), path, 'public, max-age=86400');
});
