import { buildSettings, commonMiddleware, createApp, getSettings, ImproperlyConfigured, secretKeyProblem, settings } from '../src/index';
import { TEST_SECRET } from './helpers';

describe('settings', () => {
  it('layers core defaults < app defaults < project settings < environment', () => {
    const app = { label: 'blog', defaults: { APPEND_SLASH: false, STATIC_URL: '/assets/' } };
    const s = buildSettings({ DEBUG: true, INSTALLED_APPS: [app], STATIC_URL: '/s/' }, { env: { MANOUCHE_STATIC_URL: '/env/' } });
    expect(s.APPEND_SLASH).toBe(false); // from the app
    expect(s.STATIC_URL).toBe('/env/'); // env beats the project
    expect(s.DATA_UPLOAD_MAX_NUMBER_FIELDS).toBe(1000); // core default
    expect(s.MIDDLEWARE).toEqual([commonMiddleware]);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('parses environment overrides by the type of the setting', () => {
    const s = buildSettings(
      { DEBUG: true },
      { env: { MANOUCHE_DEBUG: 'off', MANOUCHE_SECRET_KEY: TEST_SECRET, MANOUCHE_ALLOWED_HOSTS: 'a.com, .b.com', MANOUCHE_DATA_UPLOAD_MAX_MEMORY_SIZE: '1024', MANOUCHE_SECURE_PROXY_SSL_HEADER: '["x-forwarded-proto","https"]', MANOUCHE_PROJECT: 'ignored' } },
    );
    expect(s.DEBUG).toBe(false);
    expect(s.ALLOWED_HOSTS).toEqual(['a.com', '.b.com']);
    expect(s.DATA_UPLOAD_MAX_MEMORY_SIZE).toBe(1024);
    expect(s.SECURE_PROXY_SSL_HEADER).toEqual(['x-forwarded-proto', 'https']);
  });

  it('names the variable and the expected values when an override is invalid', () => {
    expect(() => buildSettings({ DEBUG: true }, { env: { MANOUCHE_DEBUG: 'maybe' } })).toThrow(
      'MANOUCHE_DEBUG="maybe" is not valid for DEBUG: expected one of true, false, 1, 0, yes, no, on, off.',
    );
    expect(() => buildSettings({ DEBUG: true }, { env: { MANOUCHE_MAX_URL_LENGTH: 'lots' } })).toThrow(/expected a number/);
    expect(() => buildSettings({ DEBUG: true }, { env: { MANOUCHE_MIDDLEWARE: 'x' } })).toThrow(/holds code, not data/);
  });

  it.each([
    ['missing', '', /SECRET_KEY is missing/],
    ['a placeholder', 'changeme', /well-known placeholder/],
    ['a development key', `manouche-insecure-${'x'.repeat(60)}`, /marker of a development key/],
    ['short', 'abcdefghijklmnopqrstuvwxyz', /only 26 characters long/],
    ['repetitive', 'ab'.repeat(30), /fewer than 5 distinct characters/],
  ])('refuses to start with DEBUG=false when SECRET_KEY is %s', (_label, key, message) => {
    expect(() => buildSettings({ DEBUG: false, SECRET_KEY: key }, { env: {} })).toThrow(ImproperlyConfigured);
    expect(() => buildSettings({ DEBUG: false, SECRET_KEY: key }, { env: {} })).toThrow(message);
    expect(() => buildSettings({ DEBUG: true, SECRET_KEY: key }, { env: {} })).not.toThrow();
  });

  it('accepts a strong key', () => {
    expect(secretKeyProblem(TEST_SECRET)).toBeNull();
  });

  it('rejects settings of the wrong type with the setting named', () => {
    expect(() => buildSettings({ DEBUG: 'yes' as never }, { env: {} })).toThrow('The DEBUG setting must be true or false; got "yes".');
    expect(() => buildSettings({ DEBUG: true, ALLOWED_HOSTS: 'example.com' as never }, { env: {} })).toThrow(/ALLOWED_HOSTS setting must be a list/);
    expect(() => buildSettings({ DEBUG: true, STATIC_URL: '/static' }, { env: {} })).toThrow(/STATIC_URL must end with a slash/);
  });

  it('exposes the app settings process-wide, read-only', () => {
    createApp({ settings: { DEBUG: true, SECRET_KEY: 'k', STATIC_URL: '/zz/' }, urls: [], env: {} });
    expect(settings.STATIC_URL).toBe('/zz/');
    expect(getSettings().DEBUG).toBe(true);
    expect(() => {
      (settings as { DEBUG: boolean }).DEBUG = false;
    }).toThrow(/read-only/);
  });
});
