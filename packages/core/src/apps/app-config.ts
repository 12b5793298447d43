import type { Application } from '../app/application';
import type { Check } from '../checks/registry';
import type { Command } from '../cli/command';
import type { Settings } from '../conf/settings';

/**
 * One entry of INSTALLED_APPS, Django's AppConfig: what an app brings to the
 * project. Packages export a factory (`ormApp()`, `authApp()`); a project's
 * own apps are plain objects.
 */
export interface AppConfig {
  /** Unique label, e.g. `auth`; used in permission names, migrations and error messages. */
  label: string;
  /** Its folder: `templates/` and `static/` inside it are found automatically. */
  path?: string;
  /** Settings defaults the app needs, below the project's own settings. */
  defaults?: Partial<Settings>;
  /** CLI commands (`migrate`, `createsuperuser`…). */
  commands?: Command[];
  /** System checks run by `manouche check` and at start-up. */
  checks?: Check[];
  /** Called once when the application starts (connect pools, register signals). */
  ready?(app: Application): void | Promise<void>;
  /** Called on shutdown, in reverse order (close pools). */
  close?(app: Application): void | Promise<void>;
  /** Anything else an app wants to expose to other apps (models, template dirs…). */
  [extension: string]: unknown;
}

/** Identity helper that types an app config. */
export function defineApp<A extends AppConfig>(app: A): A {
  return app;
}
