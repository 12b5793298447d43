import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';

/**
 * Resolve a URL path (already %-decoded) inside `realRoot`, or null when it
 * would leave the root: `..` segments, absolute paths, drive letters,
 * backslashes, NUL bytes, and symlinks pointing outside are all refused.
 * `realRoot` must itself be a realpath.
 */
export async function resolveInside(realRoot: string, relativePath: string): Promise<string | null> {
  if (relativePath.includes('\0') || relativePath.includes('\\')) return null;
  if (relativePath.startsWith('/') || /^[a-zA-Z]:/.test(relativePath)) return null;
  if (relativePath.split('/').some((segment) => segment === '..' || segment === '.')) return null;
  let resolved: string;
  try {
    resolved = await realpath(join(realRoot, relativePath));
  } catch {
    return null;
  }
  return resolved === realRoot || resolved.startsWith(realRoot + sep) ? resolved : null;
}

/** realpath of a root folder, or null when it does not exist. */
export async function realRoot(root: string): Promise<string | null> {
  try {
    return await realpath(root);
  } catch {
    return null;
  }
}
