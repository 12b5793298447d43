import { join } from 'node:path';
import type { Settings } from '../conf/settings';

/**
 * The folders static files are looked up in, in order: STATIC_ROOT when set
 * (the collected files, for production), else STATICFILES_DIRS, then each
 * installed app's `static/` folder (Django's finders).
 */
export function staticRoots(settings: Settings): string[] {
  if (settings.STATIC_ROOT) return [settings.STATIC_ROOT];
  return [...settings.STATICFILES_DIRS, ...settings.INSTALLED_APPS.filter((a) => a.path).map((a) => join(a.path!, 'static'))];
}

/** The public URL of a static file: Django's `static()` template tag. */
export function staticUrl(settings: Settings, filePath: string): string {
  return settings.STATIC_URL + filePath.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
}
