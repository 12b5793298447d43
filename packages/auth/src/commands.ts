import { userInfo } from 'node:os';
import { type Command, CommandError, type CommandContext, defineCommand, ValidationError } from '@manouche/core';
import { ObjectDoesNotExist } from '@manouche/orm';
import { getUserModel } from './get-user-model';
import { validatePassword } from './password-validation';
import { createPermissions } from './permissions';
import { authSettings } from './settings';
import { sessionStoreClass } from './sessions/engines';

/** MANOUCHE_SUPERUSER_<FIELD>: what `createsuperuser --noinput` reads (Django's DJANGO_SUPERUSER_*). */
export const SUPERUSER_ENV_PREFIX = 'MANOUCHE_SUPERUSER_';

const envName = (field: string): string => SUPERUSER_ENV_PREFIX + field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

const write = (context: CommandContext, text: string): void => void context.stdout.write(`${text}\n`);

/** Clean one field's value with the model's validators; the error messages, or null when it is fine. */
function fieldProblem(field: { clean(value: unknown): unknown }, value: string): string | null {
  try {
    field.clean(value);
    return null;
  } catch (error) {
    // the ORM's fields may throw their own ValidationError class: recognise it by shape
    if (error instanceof ValidationError || (error instanceof Error && error.name === 'ValidationError' && Array.isArray((error as ValidationError).messages))) {
      return (error as ValidationError).messages.join('; ');
    }
    throw error;
  }
}

/** The login name of the user running the command (Django's getpass.getuser()), or null when the OS has none. */
function osUsername(): string | null {
  try {
    return userInfo().username || null;
  } catch {
    return null;
  }
}

async function usernameTaken(username: string): Promise<boolean> {
  const UserModel = getUserModel();
  return UserModel.objects.filter({ [UserModel.USERNAME_FIELD]: UserModel.normalizeUsername(username) } as never).exists();
}

async function interactive(context: CommandContext): Promise<Record<string, string | null>> {
  const UserModel = getUserModel();
  const usernameField = UserModel._meta.getField(UserModel.USERNAME_FIELD);
  const values: Record<string, string | null> = {};
  const fallback = (() => {
    const name = (osUsername() ?? '').replace(/[^\w.@+-]/g, '').toLowerCase();
    return name && fieldProblem(usernameField, name) === null ? name : '';
  })();
  const label = usernameField.verboseName.charAt(0).toUpperCase() + usernameField.verboseName.slice(1);
  for (;;) {
    const given = ((context.options.username as string | undefined) ?? (await context.prompt(fallback ? `${label} (leave blank to use '${fallback}'): ` : `${label}: `))).trim();
    const username = given || fallback;
    const problem = username ? fieldProblem(usernameField, username) : `${label} cannot be blank.`;
    if (problem) write(context, `Error: ${problem}`);
    else if (await usernameTaken(username)) write(context, `Error: That ${usernameField.verboseName} is already taken.`);
    else {
      values[UserModel.USERNAME_FIELD] = username;
      break;
    }
    if (context.options.username !== undefined) throw new CommandError(`Invalid --username ${JSON.stringify(given)}.`);
  }
  for (const name of UserModel.REQUIRED_FIELDS) {
    const field = UserModel._meta.getField(name);
    for (;;) {
      const value = ((name === UserModel.EMAIL_FIELD ? (context.options.email as string | undefined) : undefined) ?? (await context.prompt(`${field.verboseName.charAt(0).toUpperCase()}${field.verboseName.slice(1)}: `))).trim();
      const problem = fieldProblem(field, value);
      if (!problem) {
        values[name] = value;
        break;
      }
      write(context, `Error: ${problem}`);
    }
  }
  for (;;) {
    const password = await context.prompt('Password: ', { hidden: true });
    const again = await context.prompt('Password (again): ', { hidden: true });
    if (password !== again) {
      write(context, "Error: Your passwords didn't match.");
      continue;
    }
    if (password.trim() === '') {
      write(context, "Error: Blank passwords aren't allowed.");
      continue;
    }
    try {
      validatePassword(password, new UserModel(values as never));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      write(context, error.messages.join('\n'));
      const answer = await context.prompt('Bypass password validation and create user anyway? [y/N]: ');
      if (!/^y(es)?$/i.test(answer.trim())) continue;
    }
    values.password = password;
    return values;
  }
}

function fromEnvironment(context: CommandContext): Record<string, string | null> {
  const UserModel = getUserModel();
  const env = process.env;
  const values: Record<string, string | null> = {};
  const username = (context.options.username as string | undefined) ?? env[envName(UserModel.USERNAME_FIELD)];
  if (!username) throw new CommandError(`You must use --username with --noinput (or set ${envName(UserModel.USERNAME_FIELD)}).`);
  const problem = fieldProblem(UserModel._meta.getField(UserModel.USERNAME_FIELD), username);
  if (problem) throw new CommandError(problem);
  values[UserModel.USERNAME_FIELD] = username;
  for (const name of UserModel.REQUIRED_FIELDS) {
    const value = (name === UserModel.EMAIL_FIELD ? (context.options.email as string | undefined) : undefined) ?? env[envName(name)];
    if (!value) throw new CommandError(`You must use --${name} with --noinput (or set ${envName(name)}).`);
    const fieldError = fieldProblem(UserModel._meta.getField(name), value);
    if (fieldError) throw new CommandError(fieldError);
    values[name] = value;
  }
  // without a password the superuser gets an unusable one (log in after setting it), as in Django
  values.password = env[envName('password')] || null;
  return values;
}

/**
 * `manouche createsuperuser`: asks for the username, the required fields
 * and the password (twice, checked by the validators). With `--noinput`,
 * reads MANOUCHE_SUPERUSER_USERNAME, _EMAIL and _PASSWORD (or --username
 * and --email) for scripts and containers.
 */
export const createsuperuserCommand: Command = defineCommand({
  name: 'createsuperuser',
  help: 'Create a user with every permission (asks on the terminal; --noinput reads MANOUCHE_SUPERUSER_USERNAME, _EMAIL, _PASSWORD).',
  options: [
    { name: 'username', type: 'string', help: 'The username (USERNAME_FIELD).' },
    { name: 'email', type: 'string', help: 'The email address.' },
    { name: 'noinput', type: 'boolean', help: 'Do not ask anything: take the values from the options and environment.' },
  ],
  async run(context) {
    await context.app.ready();
    const UserModel = getUserModel();
    const values = context.options.noinput ? fromEnvironment(context) : await interactive(context);
    const username = values[UserModel.USERNAME_FIELD]!;
    if (await usernameTaken(username)) throw new CommandError(`Error: That ${UserModel._meta.getField(UserModel.USERNAME_FIELD).verboseName} is already taken.`);
    const { password, ...rest } = values;
    const email = rest[UserModel.EMAIL_FIELD] ?? null;
    delete rest[UserModel.USERNAME_FIELD];
    delete rest[UserModel.EMAIL_FIELD];
    await UserModel.objects.createSuperuser(username, email, password ?? null, rest);
    write(context, 'Superuser created successfully.');
  },
});

/** `manouche clearsessions`: delete expired sessions from SESSION_ENGINE's store (run it from cron). */
export const clearsessionsCommand: Command = defineCommand({
  name: 'clearsessions',
  help: 'Delete expired sessions (the database store; caches and signed cookies expire by themselves).',
  async run(context) {
    await context.app.ready();
    const Store = sessionStoreClass(authSettings(context.app.settings).SESSION_ENGINE) as unknown as { clearExpired?(): Promise<number> };
    if (!Store.clearExpired) throw new CommandError('SESSION_ENGINE has no clearExpired() method: its sessions cannot be cleared by this command.');
    const count = await Store.clearExpired();
    write(context, `Deleted ${count} expired session${count === 1 ? '' : 's'}.`);
  },
});

/** `manouche createpermissions`: add the missing add/change/delete/view permissions of every model (run after migrating). */
export const createpermissionsCommand: Command = defineCommand({
  name: 'createpermissions',
  help: "Create every model's add/change/delete/view (and custom) permissions that do not exist yet.",
  async run(context) {
    await context.app.ready();
    const created = await createPermissions();
    write(context, `Created ${created} permission${created === 1 ? '' : 's'}.`);
  },
});

/** How many password attempts `changepassword` allows (Django's MAX_TRIES). */
const CHANGEPASSWORD_TRIES = 3;

/**
 * `manouche changepassword [username]`: set a user's password from the
 * terminal (default: the user named like the one running the command).
 * Asks twice and runs the password validators; gives up after three
 * attempts. Sessions of that user end, as after any password change.
 */
export const changepasswordCommand: Command = defineCommand({
  name: 'changepassword',
  help: "Change a user's password (default: the user named like the current OS user).",
  args: '[username]',
  async run(context) {
    await context.app.ready();
    const UserModel = getUserModel();
    const username = context.args[0] ?? osUsername();
    if (!username) throw new CommandError('Give the username: manouche changepassword <username>.');
    let user: InstanceType<typeof UserModel>;
    try {
      user = await UserModel.objects.getByNaturalKey(UserModel.normalizeUsername(username));
    } catch (error) {
      if (error instanceof ObjectDoesNotExist) throw new CommandError(`user '${username}' does not exist`);
      throw error;
    }
    write(context, `Changing password for user '${user.getUsername()}'`);
    for (let attempt = 1; attempt <= CHANGEPASSWORD_TRIES; attempt++) {
      const password = await context.prompt('Password: ', { hidden: true });
      const again = await context.prompt('Password (again): ', { hidden: true });
      if (password !== again) {
        write(context, 'Passwords do not match. Please try again.');
        continue;
      }
      if (password.trim() === '') {
        context.stderr.write("Blank passwords aren't allowed.\n");
        continue;
      }
      try {
        validatePassword(password, user);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        context.stderr.write(`${error.messages.join('\n')}\n`);
        continue;
      }
      await user.setPassword(password);
      await user.save();
      write(context, `Password changed successfully for user '${user.getUsername()}'`);
      return;
    }
    throw new CommandError(`Aborting password change for user '${user.getUsername()}' after ${CHANGEPASSWORD_TRIES} attempts`);
  },
});
