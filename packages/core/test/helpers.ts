import { createApp, type Application, type CreateAppOptions, type UrlEntry, type UserSettings } from '../src/index';

export const TEST_SECRET = 'test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG';

/** An app with test-friendly defaults: DEBUG off, a strong key, the test host allowed. */
export function makeApp(urls: readonly UrlEntry[], settings: UserSettings = {}, extra: Partial<CreateAppOptions> = {}): Application {
  return createApp({
    settings: { SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['testserver', 'localhost', '127.0.0.1'], ...settings },
    urls,
    env: {},
    ...extra,
  });
}
