import { RegexValidator } from '@manouche/core';
import {
  type AnyModel,
  type CreateInput,
  defineModel,
  fields,
  Manager,
  type ModelClass,
  type ModelDefinition,
  type ModelInstance,
  type WithPk,
} from '@manouche/orm';
import { installUserMethods, type AuthUserMethods } from './user-methods';
import { makePassword } from './hashers/index';

/** Django's UnicodeUsernameValidator: letters, digits and @/./+/-/_. */
export const usernameValidator = new RegexValidator({
  regex: /^[\p{L}\p{N}_.@+-]+$/u,
  message: 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
});

/**
 * A permission: `news.change_article` is the permission with app label
 * `news` and codename `change_article`. Add/change/delete/view exist for
 * every model after `manouche migrate` (or `manouche createpermissions`).
 */
export const Permission = defineModel('auth.Permission', {
  fields: {
    name: fields.CharField({ maxLength: 255 }),
    appLabel: fields.CharField({ maxLength: 100 }),
    model: fields.CharField({ maxLength: 100 }),
    codename: fields.CharField({ maxLength: 100 }),
  },
  meta: { uniqueTogether: [['appLabel', 'model', 'codename']], ordering: ['appLabel', 'model', 'codename'] },
});

/** A group of users sharing permissions. */
export const Group = defineModel('auth.Group', {
  fields: {
    name: fields.CharField({ maxLength: 150, unique: true }),
    permissions: fields.ManyToManyField(() => Permission, { relatedName: 'groupSet', relatedQueryName: 'group' }),
  },
});

/** The password and last-login fields every user model has (Django's AbstractBaseUser). */
export function abstractBaseUserFields() {
  return {
    password: fields.CharField({ maxLength: 128, verboseName: 'password' }),
    lastLogin: fields.DateTimeField({ null: true, blank: true, verboseName: 'last login' }),
  };
}

/**
 * Superuser status, groups and direct permissions (Django's PermissionsMixin).
 * `relatedName`/`relatedQueryName` name the reverse side on Group and
 * Permission; each user model needs its own (auth.User uses `userSet`/`user`).
 */
export function permissionsMixinFields(options: { relatedName: string; relatedQueryName: string }) {
  return {
    isSuperuser: fields.BooleanField({ default: false, verboseName: 'superuser status', helpText: 'Designates that this user has all permissions without explicitly assigning them.' }),
    groups: fields.ManyToManyField(() => Group, { relatedName: options.relatedName, relatedQueryName: options.relatedQueryName }),
    userPermissions: fields.ManyToManyField(() => Permission, { relatedName: options.relatedName, relatedQueryName: options.relatedQueryName, verboseName: 'user permissions' }),
  };
}

/** The fields of Django's AbstractUser (username, names, email, staff/active flags, date joined) with the two above. */
export function abstractUserFields(options: { relatedName: string; relatedQueryName: string }) {
  return {
    ...abstractBaseUserFields(),
    ...permissionsMixinFields(options),
    username: fields.CharField({
      maxLength: 150,
      unique: true,
      validators: [usernameValidator],
      helpText: 'Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.',
      errorMessages: { unique: 'A user with that username already exists.' },
    }),
    firstName: fields.CharField({ maxLength: 150, blank: true, default: '', verboseName: 'first name' }),
    lastName: fields.CharField({ maxLength: 150, blank: true, default: '', verboseName: 'last name' }),
    email: fields.EmailField({ maxLength: 254, blank: true, default: '', verboseName: 'email address' }),
    isStaff: fields.BooleanField({ default: false, verboseName: 'staff status', helpText: 'Designates whether the user can log into the admin site.' }),
    isActive: fields.BooleanField({ default: true, verboseName: 'active', helpText: 'Designates whether this user should be treated as active. Unselect this instead of deleting accounts.' }),
    dateJoined: fields.DateTimeField({ default: () => new Date(), verboseName: 'date joined' }),
  };
}

/** What a user model declares about itself (Django's USERNAME_FIELD, EMAIL_FIELD, REQUIRED_FIELDS). */
export interface UserModelOptions {
  /** The unique field users log in with (default `username`). */
  usernameField?: string;
  /** The field holding the email address (default `email`). */
  emailField?: string;
  /** Fields `createsuperuser` asks for, besides the username and password (default `['email']`). */
  requiredFields?: readonly string[];
}

export interface UserModelStatics {
  readonly USERNAME_FIELD: string;
  readonly EMAIL_FIELD: string;
  readonly REQUIRED_FIELDS: readonly string[];
  /** Django's `normalize_username`: NFKC, so look-alike spellings are one username. */
  normalizeUsername(username: string): string;
}

/** A user model: a model class whose instances have the auth methods and whose manager is a UserManager. */
export type UserModelClass<F extends Record<string, any> = any, L extends string = string> = Omit<ModelClass<F, L>, 'objects' | 'prototype'> &
  UserModelStatics & {
    new (values?: CreateInput<ModelClass<F, L>>): UserModelInstance<F, L>;
    readonly prototype: UserModelInstance<F, L>;
    readonly objects: UserManager<UserModelClass<F, L>>;
  };

/** An instance of a user model: its fields and the auth methods. */
export type UserModelInstance<F extends Record<string, any> = any, L extends string = string> = ModelInstance<ModelClass<F, L>> & AuthUserMethods;

/** Django's BaseUserManager + UserManager: `createUser`, `createSuperuser`, `getByNaturalKey`. */
export class UserManager<M extends AnyModel & UserModelStatics> extends Manager<M> {
  /** Lower-case the domain part of an email address (Django's `normalize_email`). */
  static normalizeEmail(email: string | null | undefined): string {
    const text = (email ?? '').trim();
    const at = text.lastIndexOf('@');
    return at === -1 ? text : `${text.slice(0, at)}@${text.slice(at + 1).toLowerCase()}`;
  }

  normalizeEmail(email: string | null | undefined): string {
    return UserManager.normalizeEmail(email);
  }

  /** The user whose USERNAME_FIELD is `username` (or the model's DoesNotExist). */
  getByNaturalKey(username: string): Promise<InstanceType<M>> {
    return this.get({ [this.model.USERNAME_FIELD]: username } as never) as Promise<InstanceType<M>>;
  }

  /** Create and save a user with a hashed password (`null`: an unusable one). */
  createUser(username: string, email?: string | null, password?: string | null, extra: Record<string, unknown> = {}): Promise<InstanceType<M>> {
    return this.createWith(username, email, password, { isStaff: false, isSuperuser: false, ...extra });
  }

  /** Create and save a superuser (staff and superuser flags on). */
  createSuperuser(username: string, email?: string | null, password?: string | null, extra: Record<string, unknown> = {}): Promise<InstanceType<M>> {
    const values = { isStaff: true, isSuperuser: true, ...extra };
    if (values.isStaff !== true) throw new TypeError('Superuser must have isStaff=true.');
    if (values.isSuperuser !== true) throw new TypeError('Superuser must have isSuperuser=true.');
    return this.createWith(username, email, password, values);
  }

  private async createWith(username: string, email: string | null | undefined, password: string | null | undefined, extra: Record<string, unknown>): Promise<InstanceType<M>> {
    if (!username) throw new TypeError('The given username must be set.');
    const model = this.model;
    const known = model._meta.fieldMap;
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(extra)) if (known.has(key)) values[key] = value;
    values[model.USERNAME_FIELD] = model.normalizeUsername(username);
    // a model that logs in by email normalises the username as an address
    if (model.EMAIL_FIELD === model.USERNAME_FIELD) values[model.USERNAME_FIELD] = this.normalizeEmail(values[model.USERNAME_FIELD] as string);
    else if (known.has(model.EMAIL_FIELD)) values[model.EMAIL_FIELD] = this.normalizeEmail(email);
    const user = new model(values as never) as InstanceType<M> & { password: string };
    user.password = await makePassword(password ?? null);
    await user.save();
    return user;
  }
}

/**
 * Declare a user model (Django's custom user model): a model with the auth
 * methods (`checkPassword`, `hasPerm`…) and a UserManager. Point
 * AUTH_USER_MODEL at its label.
 *
 * ```ts
 * const Member = defineUserModel('accounts.Member', {
 *   fields: { ...abstractBaseUserFields(), ...permissionsMixinFields({ relatedName: 'memberSet', relatedQueryName: 'member' }),
 *             email: fields.EmailField({ unique: true }), isActive: fields.BooleanField({ default: true }) },
 * }, { usernameField: 'email', requiredFields: [] });
 * ```
 */
export function defineUserModel<const L extends string, F extends Record<string, any>>(
  label: L,
  definition: Omit<ModelDefinition<F>, 'manager'>,
  options: UserModelOptions = {},
): UserModelClass<WithPk<F>, L> {
  const model = defineModel(label, { ...definition, manager: (m: AnyModel) => new UserManager(m as AnyModel & UserModelStatics) });
  const statics: UserModelStatics = {
    USERNAME_FIELD: options.usernameField ?? 'username',
    EMAIL_FIELD: options.emailField ?? 'email',
    REQUIRED_FIELDS: options.requiredFields ?? ['email'],
    normalizeUsername: (username: string) => (typeof username === 'string' ? username.normalize('NFKC') : username),
  };
  for (const name of [statics.USERNAME_FIELD, 'password']) {
    if (!model._meta.fieldMap.has(name)) throw new TypeError(`${label}: a user model needs a ${JSON.stringify(name)} field (see abstractBaseUserFields()).`);
  }
  Object.assign(model, statics);
  installUserMethods(model as unknown as UserModelClass);
  return model as unknown as UserModelClass<WithPk<F>, L>;
}

/** Django's default user model (`auth.User`, table `auth_user`, Django's column names). */
export const User = defineUserModel('auth.User', {
  fields: abstractUserFields({ relatedName: 'userSet', relatedQueryName: 'user' }),
  meta: { verboseName: 'user' },
});

export type UserInstance = InstanceType<typeof User>;
