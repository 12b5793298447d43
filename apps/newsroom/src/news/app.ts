import { type AppConfig, defineApp } from '@manouche/core';
import { connectCacheInvalidation } from './cache';
import { loaddemoCommand } from './demo';
import { connectPermissions } from './permissions';

export interface NewsAppOptions {
  /** Called when the application shuts down (closes the connections the settings opened). */
  onClose?: () => Promise<void>;
}

/** The `news` app: its permissions, the cache invalidation on model signals, and the `loaddemo` command. */
export function newsApp(options: NewsAppOptions = {}): AppConfig {
  return defineApp({
    label: 'news',
    commands: [loaddemoCommand],
    ready() {
      connectPermissions();
      connectCacheInvalidation();
    },
    async close() {
      await options.onClose?.();
    },
  });
}
