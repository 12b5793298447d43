import { type Application, createApp, type CreateAppOptions, type Logger, type UrlEntry, type UserSettings } from '@manouche/core';

export const TEST_SECRET = 'security-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG';

/** A logger that keeps what it is told, for assertions, and prints nothing. */
export function memoryLogger(): Logger & { lines: Array<{ level: string; message: string; meta?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; meta?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => void lines.push({ level, message, meta });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** An app with test-friendly defaults: DEBUG off, a strong key, example.com allowed. */
export function makeApp(urls: readonly UrlEntry[], settings: UserSettings = {}, extra: Partial<CreateAppOptions> = {}): Application {
  return createApp({
    settings: { SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['example.com', 'testserver'], ...settings },
    urls,
    env: {},
    global: false,
    logger: memoryLogger(),
    ...extra,
  });
}
