import type { MigrationSources } from '@manouche/orm';
import auth0001 from './auth/0001_initial';
import sessions0001 from './sessions/0001_initial';

/**
 * The migrations of the `auth` (users, groups, permissions) and `sessions`
 * apps, bundled as modules so they load the same from source, CJS and ESM.
 * Give them to the ORM next to your own apps' migrations:
 * `ormApp({ migrations: { ...authMigrations, news: { directory } } })`.
 */
export const authMigrations: MigrationSources = {
  auth: { modules: { '0001_initial': auth0001 } },
  sessions: { modules: { '0001_initial': sessions0001 } },
};
