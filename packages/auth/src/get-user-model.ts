import { getSettings, ImproperlyConfigured, settingsConfigured } from '@manouche/core';
import { apps } from '@manouche/orm';
import { User, type UserModelClass } from './models';
import { authSettings } from './settings';
import { USER_METHODS } from './user-methods';

/**
 * The active user model: AUTH_USER_MODEL (default `auth.User`), which must
 * have been declared with defineUserModel() (Django's `get_user_model()`).
 */
export function getUserModel(): UserModelClass {
  const label = authSettings(settingsConfigured() ? getSettings() : {}).AUTH_USER_MODEL;
  if (label === 'auth.User') return User as unknown as UserModelClass;
  if (typeof label !== 'string' || !/^\w+\.\w+$/.test(label)) throw new ImproperlyConfigured(`AUTH_USER_MODEL must be of the form "app_label.ModelName"; got ${JSON.stringify(label)}.`);
  const model = apps.find(label);
  if (!model) throw new ImproperlyConfigured(`AUTH_USER_MODEL refers to model ${JSON.stringify(label)}, which has not been defined (import the module declaring it before the app starts).`);
  if (!(USER_METHODS in (model as object))) throw new ImproperlyConfigured(`AUTH_USER_MODEL ${JSON.stringify(label)} was declared with defineModel(); declare it with defineUserModel() so it has the auth methods and a UserManager.`);
  return model as unknown as UserModelClass;
}
