import { join } from 'node:path';
import { type AppConfig, type CheckMessage, defineApp, defineCheck } from '@manouche/core';
import { postMigrate } from '@manouche/orm';
import { changepasswordCommand, clearsessionsCommand, createpermissionsCommand, createsuperuserCommand } from './commands';
import { getUserModel } from './get-user-model';
import { closeHashingPool } from './hashers/worker-pool';
import { getConnection } from './mail/backends';
import { Group, Permission, User } from './models';
import { createPermissionsAfterMigrate } from './permissions';
import { Session } from './sessions/model';
import { authDefaults, authSettings } from './settings';

/** Django's auth checks (auth.E001–E003) on the user model, and the throttle store across processes. */
export const authChecks = defineCheck((app) => {
  const messages: CheckMessage[] = [];
  let UserModel;
  try {
    UserModel = getUserModel();
  } catch (error) {
    return [{ level: 'ERROR', id: 'auth.E000', msg: (error as Error).message }];
  }
  const label = UserModel._meta.label;
  if (!Array.isArray(UserModel.REQUIRED_FIELDS)) messages.push({ level: 'ERROR', id: 'auth.E001', msg: `'REQUIRED_FIELDS' must be a list or tuple (${label}).` });
  else if (UserModel.REQUIRED_FIELDS.includes(UserModel.USERNAME_FIELD)) {
    messages.push({ level: 'ERROR', id: 'auth.E002', msg: `The field named as the 'USERNAME_FIELD' for a custom user model must not be included in 'REQUIRED_FIELDS' (${label}).` });
  }
  if (!UserModel._meta.fieldMap.get(UserModel.USERNAME_FIELD)?.unique) {
    messages.push({ level: 'ERROR', id: 'auth.E003', msg: `'${label}.${UserModel.USERNAME_FIELD}' must be unique because it is named as the 'USERNAME_FIELD'.` });
  }
  const throttle = authSettings(app.settings).AUTH_LOGIN_THROTTLE;
  if (throttle && !throttle.STORE) {
    messages.push({
      level: 'WARNING',
      id: 'auth.W020',
      msg: 'AUTH_LOGIN_THROTTLE counts attempts in each process’s memory: with several processes or servers, an attacker gets that many times the limit.',
      hint: "Share the counts: AUTH_LOGIN_THROTTLE: { ..., STORE: new RedisStore(redis) } (from '@manouche/security/redis').",
    });
  }
  return messages;
});

/** The models the auth app defines (create their tables, or migrate them). */
export const authModels = [Permission, Group, User, Session] as const;

export interface AuthAppConfig extends AppConfig {
  label: 'auth';
  models: typeof authModels;
}

/**
 * Django's `auth`, `sessions` and `messages` apps in one INSTALLED_APPS
 * entry: their settings defaults, the `createsuperuser`, `changepassword`,
 * `clearsessions` and `createpermissions` commands, the checks, the
 * permissions created after each `manouche migrate`, and the templates of the
 * ready-made views (found by @manouche/templates in this package's
 * `templates/`; your own templates of the same names win). It adds no
 * MIDDLEWARE: list yours, with sessionMiddleware after commonMiddleware and
 * before csrfViewMiddleware, then authenticationMiddleware, then
 * messagesMiddleware. Its tables come from `authMigrations`, which you give
 * to ormApp() with your own apps' migrations.
 */
export function authApp(): AuthAppConfig {
  return defineApp({
    label: 'auth' as const,
    path: join(__dirname, '..'),
    defaults: authDefaults(),
    models: authModels,
    commands: [createsuperuserCommand, changepasswordCommand, clearsessionsCommand, createpermissionsCommand],
    checks: [authChecks],
    ready() {
      // Django's auth connects create_permissions to post_migrate in AppConfig.ready(); the
      // dispatchUid keeps it to one receiver however many applications start in the process
      postMigrate.connect(createPermissionsAfterMigrate, { dispatchUid: 'auth.createPermissions' });
    },
    async close(app) {
      await closeHashingPool();
      await getConnection(authSettings(app.settings)).close?.();
    },
  });
}
