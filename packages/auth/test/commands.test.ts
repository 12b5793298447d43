import { PassThrough } from 'node:stream';
import { type CommandContext, executeFromCommandLine, Progress, ValidationError } from '@manouche/core';
import { defineModel, fields } from '@manouche/orm';
import {
  abstractBaseUserFields,
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
import { describeBackend, makeApp, useDatabase } from './support';

const Article = defineModel('news.Article', { fields: { title: fields.CharField({ maxLength: 100 }) }, meta: { verboseName: 'news article' } });
modelPermissions(Article, { permissions: [['publish_article', 'Can publish articles']] });

function capture(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describeBackend('sqlite', 'commands', () => {
  const database = useDatabase('sqlite', [Article]);
  const app = makeApp([]);
  beforeEach(() => database.flush());

  const run = async (argv: string[], env: Record<string, string> = {}) => {
    const out = capture();
    const err = capture();
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const code = await executeFromCommandLine(app, argv, { stdout: out.stream, stderr: err.stream });
      return { code, out: out.text(), err: err.text() };
    } finally {
      process.env = saved;
    }
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
    const answers = ['root@example.com', 'secret1', 'secret2', '12345678', '12345678', 'n', 'a much Better passphrase', 'a much Better passphrase'];
    const questions: string[] = [];
    const out = capture();
    const context: CommandContext = {
      app,
      args: [],
      options: {},
      stdout: out.stream,
      stderr: out.stream,
      progress: (label, total) => new Progress(out.stream, label, total),
      prompt: async (question) => {
        questions.push(question);
        return answers.shift() ?? '';
      },
    };
    const withUser = { ...context, options: { username: 'root' } };
    await createsuperuserCommand.run(withUser);
    expect(questions).toEqual(['Email address: ', 'Password: ', 'Password (again): ', 'Password: ', 'Password (again): ', 'Bypass password validation and create user anyway? [y/N]: ', 'Password: ', 'Password (again): ']);
    expect(out.text()).toContain("Error: Your passwords didn't match.");
    expect(out.text()).toContain('This password is too common.');
    expect(out.text()).toContain('This password is entirely numeric.');
    const root = await User.objects.get({ username: 'root' });
    expect(await root.checkPassword('a much Better passphrase')).toBe(true);
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
