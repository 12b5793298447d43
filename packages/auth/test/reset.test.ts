import { Client, include, path } from '@manouche/core';
import { authUrls, defaultTokenGenerator, outbox, PasswordResetTokenGenerator, uidFromBase64, uidToBase64, User } from '../src/index';
import { describeBackend, makeApp, useDatabase } from './support';

const linkIn = (body: string): string => /https?:\/\/\S+/.exec(body)![0];

describeBackend('sqlite', 'password reset', () => {
  const database = useDatabase('sqlite');
  const app = makeApp([path('accounts/', include(authUrls()))], { ALLOWED_HOSTS: ['testserver', 'news.example.com'] });

  beforeEach(async () => {
    await database.flush();
    outbox.length = 0;
    await User.objects.createUser('ann', 'Ann@Example.com', 'correct horse');
  });

  const waitForMail = async (count: number) => {
    for (let i = 0; i < 50 && outbox.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('emails a link on the validated host, moves the token to the session, and sets the password once', async () => {
    const client = new Client(app, { host: 'news.example.com' });
    const sent = await client.post('/accounts/password_reset/', { email: 'ann@EXAMPLE.com' }, { secure: true });
    expect(sent.url).toBe('/accounts/password_reset/done/');
    await waitForMail(1);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.to).toEqual(['Ann@example.com']); // createUser lower-cases only the domain, as Django
    expect(outbox[0]!.from).toBe('webmaster@localhost');
    const link = linkIn(outbox[0]!.body);
    expect(link).toMatch(/^https:\/\/news\.example\.com\/accounts\/reset\/[A-Za-z0-9_-]+\/[0-9a-z]+-[0-9a-f]{32}\/$/);
    const confirm = await client.get(new URL(link).pathname);
    expect(confirm.status).toBe(302);
    expect(confirm.url).toMatch(/\/set-password\/$/);
    expect(confirm.url).not.toContain(link.split('/').at(-2)!);
    const form = await client.get(confirm.url!);
    expect(form.text).toContain('Enter new password');
    const done = await client.post(confirm.url!, { newPassword1: 'brand new Passphrase', newPassword2: 'brand new Passphrase' });
    expect(done.url).toBe('/accounts/reset/done/');
    const user = await User.objects.get({ username: 'ann' });
    expect(await user.checkPassword('brand new Passphrase')).toBe(true);
    // the same link again: the password changed, so the token is dead
    const again = await new Client(app, { host: 'news.example.com' }).get(new URL(link).pathname);
    expect(again.status).toBe(200);
    expect(again.text).toContain('Password reset unsuccessful');
  });

  it('answers the same for an unknown address, and sends nothing', async () => {
    const known = await new Client(app).post('/accounts/password_reset/', { email: 'ann@example.com' });
    const unknown = await new Client(app).post('/accounts/password_reset/', { email: 'nobody@example.com' });
    expect([unknown.status, unknown.url]).toEqual([known.status, known.url]);
    await waitForMail(1);
    expect(outbox).toHaveLength(1);
  });

  it('sends nothing to inactive users or users without a usable password', async () => {
    await User.objects.createUser('bob', 'bob@example.com', null);
    await User.objects.createUser('cid', 'cid@example.com', 'pw', { isActive: false });
    await new Client(app).post('/accounts/password_reset/', { email: 'bob@example.com' });
    await new Client(app).post('/accounts/password_reset/', { email: 'cid@example.com' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(outbox).toHaveLength(0);
  });

  it('refuses a request for a host outside ALLOWED_HOSTS (no poisoned links)', async () => {
    const response = await new Client(app, { host: 'evil.example.net' }).post('/accounts/password_reset/', { email: 'ann@example.com' });
    expect(response.status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(outbox).toHaveLength(0);
  });

  describe('tokens', () => {
    it('are invalidated by a password change, a new login, an email change, and time', async () => {
      const user = await User.objects.get({ username: 'ann' });
      const token = defaultTokenGenerator.makeToken(user);
      expect(defaultTokenGenerator.checkToken(user, token)).toBe(true);
      expect(defaultTokenGenerator.checkToken(user, `${token}x`)).toBe(false);
      expect(defaultTokenGenerator.checkToken(user, 'zz-garbage')).toBe(false);
      expect(defaultTokenGenerator.checkToken(null, token)).toBe(false);

      await user.setPassword('another Passphrase');
      expect(defaultTokenGenerator.checkToken(user, token)).toBe(false);
      await user.refreshFromDb();

      user.lastLogin = new Date();
      expect(defaultTokenGenerator.checkToken(user, token)).toBe(false);
      await user.refreshFromDb();

      user.email = 'new@example.com';
      expect(defaultTokenGenerator.checkToken(user, token)).toBe(false);
      await user.refreshFromDb();

      class Later extends PasswordResetTokenGenerator {
        constructor(private readonly offset: number) {
          super();
        }
        protected override now(): Date {
          return new Date(Date.now() + this.offset * 1000);
        }
      }
      const timeout = 60 * 60 * 24 * 3;
      expect(new Later(timeout - 5).checkToken(user, token)).toBe(true);
      expect(new Later(timeout + 5).checkToken(user, token)).toBe(false);
    });

    it("hash what Django's generator hashes, with SECRET_KEY_FALLBACKS still accepted", async () => {
      const user = await User.objects.get({ username: 'ann' });
      const old = new PasswordResetTokenGenerator();
      old.secret = 'a-previous-secret-key-that-was-rotated-out-0123456789';
      const token = old.makeToken(user);
      const current = new PasswordResetTokenGenerator();
      expect(current.checkToken(user, token)).toBe(false);
      current.secretFallbacks = [old.secret];
      expect(current.checkToken(user, token)).toBe(true);
    });

    it('encode user ids as URL-safe base64 and refuse junk', () => {
      expect(uidToBase64(42)).toBe('NDI');
      expect(uidFromBase64('NDI')).toBe('42');
      expect(uidFromBase64('../..')).toBeNull();
      expect(uidFromBase64('')).toBeNull();
    });
  });
});
