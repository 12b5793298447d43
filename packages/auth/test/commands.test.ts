import { userInfo } from 'node:os';
import { type CommandContext, CommandError, executeFromCommandLine, Progress, ValidationError } from '@manouche/core';
import { defineModel, fields } from '@manouche/orm';
import {
  abstractBaseUserFields,
  changepasswordCommand,
  CommonPasswordValidator,
  createPermissions,
  createsuperuserCommand,
  defineUserModel,
  MinimumLengthValidator,
  modelPermissions,
  NumericPasswordValidator,
  Permission,
  permissionsMixinFields,
  Session,
  User,
  UserAttributeSimilarityValidator,
  validatePassword,
} from '../src/index';
import { capture, describeBackend, makeApp, runCommand, useDatabase } from './support';

const Article = defineModel('news.Article', { fields: { title: fields.CharField({ maxLength: 100 }) }, meta: { verboseName: 'news article' } });
modelPermissions(Article, { permissions: [['publish_article', 'Can publish articles']] });

describeBackend('sqlite', 'commands', () => {
  const database = useDatabase('sqlite', [Article]);
  const app = makeApp([]);
  beforeEach(() => database.flush());

  const run = (argv: string[], env: Record<string, string> = {}) => runCommand(app, argv, env);

  /** A command context whose prompts get `answers` in order (what a person would type). */
  const answering = (answers: string[], { args = [], options = {} }: { args?: string[]; options?: CommandContext['options'] } = {}) => {
    const questions: string[] = [];
    const out = capture();
    const err = capture();
    const context: CommandContext = {
      app,
      args,
      options,
      stdout: out.stream,
      stderr: err.stream,
      progress: (label, total) => new Progress(out.stream, label, total),
      prompt: async (question, opts) => {
        questions.push(opts?.hidden ? `${question}(hidden)` : question);
        return answers.shift() ?? '';
      },
    };
    return { context, questions, out: () => out.text(), err: () => err.text() };
  };

  it('createsuperuser --noinput reads MANOUCHE_SUPERUSER_*', async () => {
    const result = await run(['createsuperuser', '--noinput'], { MANOUCHE_SUPERUSER_USERNAME: 'admin', MANOUCHE_SUPERUSER_EMAIL: 'admin@Example.COM', MANOUCHE_SUPERUSER_PASSWORD: 'pw from env' });
    expect(result).toMatchObject({ code: 0, out: 'Superuser created successfully.\n' });
    const admin = await User.objects.get({ username: 'admin' });
    expect([admin.isSuperuser, admin.isStaff, admin.email]).toEqual([true, true, 'admin@example.com']);
    expect(await admin.checkPassword('pw from env')).toBe(true);
    const again = await run(['createsuperuser', '--noinput'], { MANOUCHE_SUPERUSER_USERNAME: 'admin', MANOUCHE_SUPERUSER_EMAIL: 'a@b.example' });
    expect(again.code).toBe(1);
    expect(again.err).toContain('That username is already taken.');
    const missing = await run(['createsuperuser', '--noinput']);
    expect(missing.err).toContain('You must use --username with --noinput');
    const bad = await run(['createsuperuser', '--noinput', '--username', 'no spaces allowed', '--email', 'x@y.z']);
    expect(bad.err).toContain('Enter a valid username.');
  });

  it('createsuperuser asks, refuses mismatched and weak passwords unless bypassed', async () => {
    const { context, questions, out } = answering(['root@example.com', 'secret1', 'secret2', '12345678', '12345678', 'n', 'a much Better passphrase', 'a much Better passphrase'], { options: { username: 'root' } });
    await createsuperuserCommand.run(context);
    expect(questions).toEqual(['Email address: ', 'Password: (hidden)', 'Password (again): (hidden)', 'Password: (hidden)', 'Password (again): (hidden)', 'Bypass password validation and create user anyway? [y/N]: ', 'Password: (hidden)', 'Password (again): (hidden)']);
    expect(out()).toContain("Error: Your passwords didn't match.");
    expect(out()).toContain('This password is too common.');
    expect(out()).toContain('This password is entirely numeric.');
    const root = await User.objects.get({ username: 'root' });
    expect(await root.checkPassword('a much Better passphrase')).toBe(true);
  });

  it('changepassword asks twice, runs the validators, and sets the password', async () => {
    const alice = await User.objects.createUser('alice', 'alice@example.com', 'the old passphrase');
    const hashBefore = alice.getSessionAuthHash();
    const { context, questions, out, err } = answering(['one', 'two', 'password', 'password', 'a brand new passphrase', 'a brand new passphrase'], { args: ['alice'] });
    await changepasswordCommand.run(context);
    expect(questions).toEqual(Array(3).fill(['Password: (hidden)', 'Password (again): (hidden)']).flat());
    expect(out()).toBe("Changing password for user 'alice'\nPasswords do not match. Please try again.\nPassword changed successfully for user 'alice'\n");
    expect(err()).toBe('This password is too common.\n');
    const saved = await User.objects.get({ username: 'alice' });
    expect(await saved.checkPassword('a brand new passphrase')).toBe(true);
    expect(await saved.checkPassword('the old passphrase')).toBe(false);
    // the sessions logged in with the old password end
    expect(saved.getSessionAuthHash()).not.toBe(hashBefore);
  });

  it('changepassword gives up after three attempts and keeps the old password', async () => {
    await User.objects.createUser('bob', null, 'the old passphrase');
    const { context, err } = answering(['', '', 'mismatch', 'mis-match', '12345678', '12345678', 'never asked', 'never asked'], { args: ['bob'] });
    await expect(changepasswordCommand.run(context)).rejects.toThrow(new CommandError("Aborting password change for user 'bob' after 3 attempts"));
    expect(err()).toBe("Blank passwords aren't allowed.\nThis password is too common.\nThis password is entirely numeric.\n");
    expect(await (await User.objects.get({ username: 'bob' })).checkPassword('the old passphrase')).toBe(true);
  });

  it('changepassword names a missing user, and defaults to the OS user', async () => {
    expect(await run(['changepassword', 'nobody'])).toMatchObject({ code: 1, err: expect.stringContaining("user 'nobody' does not exist") });
    const me = userInfo().username;
    await User.objects.createUser(me, null, 'the old passphrase');
    const { context, out } = answering(['a brand new passphrase', 'a brand new passphrase']);
    await changepasswordCommand.run(context);
    expect(out()).toContain(`Password changed successfully for user '${me}'`);
  });

  it('createpermissions adds the four default permissions of every model and the custom ones, once', async () => {
    expect((await run(['createpermissions'])).out).toMatch(/^Created \d+ permissions\.\n$/);
    const news = await Permission.objects.filter({ appLabel: 'news' }).orderBy('codename').valuesList('codename', 'name');
    expect(news).toEqual([
      ['add_article', 'Can add news article'],
      ['change_article', 'Can change news article'],
      ['delete_article', 'Can delete news article'],
      ['publish_article', 'Can publish articles'],
      ['view_article', 'Can view news article'],
    ]);
    expect(await Permission.objects.filter({ appLabel: 'auth', codename: 'change_user' }).exists()).toBe(true);
    expect(await createPermissions()).toBe(0);
  });

  it('clearsessions deletes expired sessions', async () => {
    await Session.objects.create({ sessionKey: 'a'.repeat(32), sessionData: 'x', expireDate: new Date(Date.now() - 1000) });
    await Session.objects.create({ sessionKey: 'b'.repeat(32), sessionData: 'x', expireDate: new Date(Date.now() + 100_000) });
    expect((await run(['clearsessions'])).out).toBe('Deleted 1 expired session.\n');
    expect(await Session.objects.count()).toBe(1);
  });

  it('reports problems through manouche check', async () => {
    const out = capture();
    await executeFromCommandLine(makeApp([], { AUTH_LOGIN_THROTTLE: { USERNAME_RATE: '5/m', IP_RATE: null } }), ['check'], { stdout: out.stream, stderr: out.stream });
    expect(out.text()).toContain('auth.W020');
  });
});

describe("Django's password validators", () => {
  const messagesOf = (fn: () => void): string[] => {
    try {
      fn();
      return [];
    } catch (error) {
      return (error as ValidationError).messages;
    }
  };

  it('apply Django’s rules and messages', () => {
    const user = { username: 'marguerite', firstName: 'Marguerite', lastName: 'Duras', email: 'm.duras@example.com' };
    const all = [new UserAttributeSimilarityValidator(), new MinimumLengthValidator(), new CommonPasswordValidator(), new NumericPasswordValidator()];
    expect(messagesOf(() => validatePassword('1234', user, all))).toEqual([
      'This password is too short. It must contain at least 8 characters.',
      'This password is too common.',
      'This password is entirely numeric.',
    ]);
    expect(messagesOf(() => validatePassword('marguerite1', user, all))).toEqual(['The password is too similar to the username.']);
    expect(messagesOf(() => validatePassword('Duras!!!', user, all))).toEqual(['The password is too similar to the last name.']);
    expect(messagesOf(() => validatePassword('an unusual passphrase for marguerite', user, all))).toEqual([]);
    expect(messagesOf(() => validatePassword('PASSWORD', null, all))).toEqual(['This password is too common.']);
    expect(messagesOf(() => validatePassword('١٢٣٤٥٦٧٨٩', null, [new NumericPasswordValidator()]))).toEqual(['This password is entirely numeric.']);
    expect(new MinimumLengthValidator({ minLength: 12 }).getHelpText()).toBe('Your password must contain at least 12 characters.');
    expect(new CommonPasswordValidator().passwords.size).toBeGreaterThan(40_000);
  });
});

describeBackend('sqlite', 'a custom user model (AUTH_USER_MODEL)', () => {
  const Member = defineUserModel(
    'accounts.Member',
    {
      fields: {
        ...abstractBaseUserFields(),
        ...permissionsMixinFields({ relatedName: 'memberSet', relatedQueryName: 'member' }),
        email: fields.EmailField({ maxLength: 254, unique: true }),
        isActive: fields.BooleanField({ default: true }),
        isStaff: fields.BooleanField({ default: false }),
      },
    },
    { usernameField: 'email', emailField: 'email', requiredFields: [] },
  );
  useDatabase('sqlite', [Member]);
  beforeAll(() => makeApp([], { AUTH_USER_MODEL: 'accounts.Member' }));

  it('logs in by email and keeps its permissions', async () => {
    const { authenticate, getUserModel } = await import('../src/index');
    expect(getUserModel()).toBe(Member);
    const member = await Member.objects.createUser('zoe@Example.org', null, 'pw');
    expect(member.email).toBe('zoe@example.org');
    const found = await authenticate(null, { email: 'zoe@example.org', password: 'pw' });
    expect(found?.pk).toBe(member.pk);
    const perm = await Permission.objects.create({ name: 'x', appLabel: 'news', model: 'article', codename: 'view_article' });
    await member.userPermissions.add(perm);
    expect(await (await Member.objects.get({ pk: member.pk })).hasPerm('news.view_article')).toBe(true);
  });
});
