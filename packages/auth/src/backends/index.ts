import { getSettings, ImproperlyConfigured, settingsConfigured } from '@manouche/core';
import { authSettings } from '../settings';
import type { AuthBackend, AuthBackendSetting } from './types';

export interface LoadedBackend {
  backend: AuthBackend;
  /** Its name in the session. */
  name: string;
}

const loaded = new WeakMap<readonly AuthBackendSetting[], LoadedBackend[]>();

/** Django's `_get_backends()`: the configured backends, instantiated once. */
export function getBackends(): LoadedBackend[] {
  const setting = authSettings(settingsConfigured() ? getSettings() : {}).AUTHENTICATION_BACKENDS;
  let backends = loaded.get(setting);
  if (!backends) {
    if (!Array.isArray(setting) || setting.length === 0) throw new ImproperlyConfigured('No authentication backends have been defined. Does AUTHENTICATION_BACKENDS contain anything?');
    backends = setting.map((entry, i) => {
      const backend = typeof entry === 'function' ? new entry() : entry;
      if (!backend || typeof backend !== 'object') throw new ImproperlyConfigured(`AUTHENTICATION_BACKENDS[${i}] is not a backend class or object; got ${String(entry)}.`);
      return { backend, name: backend.name ?? backend.constructor.name };
    });
    const names = backends.map((b) => b.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new ImproperlyConfigured(`Two AUTHENTICATION_BACKENDS are named ${JSON.stringify(duplicate)}; give one a distinct \`name\`.`);
    loaded.set(setting, backends);
  }
  return backends;
}

/** The configured backend stored under `name` in a session, or undefined when it is no longer configured. */
export function loadBackend(name: unknown): AuthBackend | undefined {
  return getBackends().find((b) => b.name === name)?.backend;
}
