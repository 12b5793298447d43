import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client, commonMiddleware, HttpResponse, JsonResponse, path, PermissionDenied } from '@manouche/core';
import { csrfViewMiddleware, rateLimitMiddleware } from '@manouche/security';
import {
  type AuthBackend,
  type AuthUser,
  BadHeaderError,
  eagerAuthenticationMiddleware,
  login,
  ModelBackend,
  sendMessages,
  sessionMiddleware,
  User,
} from '../src/index';
import { authSettings } from '../src/settings';
import { describeBackend, makeApp, useDatabase } from './support';

/** Authors may edit their own drafts: an object-level permission, answered by a backend of the project's. */
class AuthorBackend implements AuthBackend {
  readonly name = 'AuthorBackend';
  hasPerm(user: AuthUser, perm: string, obj?: unknown): boolean {
    if (perm !== 'news.change_article' || !obj) return false;
    if ((obj as { locked?: boolean }).locked) throw new PermissionDenied();
    return (obj as { authorId?: unknown }).authorId === user.pk;
  }
}

describeBackend('sqlite', 'authentication backends', () => {
  const database = useDatabase('sqlite');
  beforeEach(() => database.flush());

  it('lets a backend answer object-level permission checks, PermissionDenied meaning no', async () => {
    makeApp([], { AUTHENTICATION_BACKENDS: [ModelBackend, AuthorBackend] });
    const ann = await User.objects.createUser('ann', null, 'pw');
    expect(await ann.hasPerm('news.change_article', { authorId: ann.pk })).toBe(true);
    expect(await ann.hasPerm('news.change_article', { authorId: 999 })).toBe(false);
    expect(await ann.hasPerm('news.change_article', { authorId: ann.pk, locked: true })).toBe(false);
    expect(await ann.hasPerm('news.change_article')).toBe(false);
  });

  it('keys security’s rate limiter by user once eagerAuthenticationMiddleware loaded them', async () => {
    await User.objects.createUser('ann', null, 'pw');
    const app = makeApp(
      [
        path('in/', async (request) => {
          await login(request, await User.objects.get({ username: 'ann' }), 'ModelBackend');
          return new HttpResponse('in');
        }),
        path('api/', (request) => new JsonResponse({ user: request.user.getUsername() })),
      ],
      { MIDDLEWARE: [commonMiddleware, sessionMiddleware, csrfViewMiddleware, eagerAuthenticationMiddleware, rateLimitMiddleware({ rate: '2/m', key: 'user' })] },
    );
    const ann = new Client(app, { remoteAddress: '192.0.2.1' });
    await ann.get('/in/');
    expect((await ann.get('/api/')).json()).toEqual({ user: 'ann' });
    expect((await ann.get('/api/')).status).toBe(200);
    expect((await ann.get('/api/')).status).toBe(429);
    // same IP, anonymous: counted separately
    expect((await new Client(app, { remoteAddress: '192.0.2.1' }).get('/api/')).status).toBe(200);
  });
});

describe('email backends', () => {
  it('write messages to the console and to files, refusing header injection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-mail-'));
    const file = { ...authSettings({}), EMAIL_BACKEND: 'file' as const, EMAIL_FILE_PATH: dir };
    await sendMessages([{ subject: 'Hello', body: 'Line one\nLine two', to: ['ann@example.com'] }], file);
    const [name] = readdirSync(dir);
    const written = readFileSync(join(dir, name!), 'utf8');
    expect(written).toContain('Subject: Hello\nFrom: webmaster@localhost\nTo: ann@example.com\n');
    expect(written).toContain('\n\nLine one\nLine two\n');
    await expect(sendMessages([{ subject: 'Hi\nBcc: victim@example.com', body: 'x', to: ['a@example.com'] }], file)).rejects.toThrow(BadHeaderError);

    const stream = new PassThrough();
    let printed = '';
    stream.on('data', (chunk: Buffer) => (printed += chunk));
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => stream.write(chunk));
    try {
      await sendMessages([{ subject: 'Console', body: 'shown', to: ['bob@example.com'] }], { ...authSettings({}), EMAIL_BACKEND: 'console' });
    } finally {
      write.mockRestore();
    }
    expect(printed).toContain('Subject: Console');
    expect(printed).toContain(`shown\n${'-'.repeat(79)}`);
  });

  it('send through SMTP with nodemailer', async () => {
    const received: string[] = [];
    const server = createServer((socket: Socket) => {
      let data = false;
      let message = '';
      const reply = (line: string) => socket.write(`${line}\r\n`);
      reply('220 test ESMTP');
      let buffer = '';
      socket.on('data', (chunk) => {
        buffer += chunk.toString();
        let end: number;
        while ((end = buffer.indexOf('\r\n')) !== -1) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (data) {
            if (line === '.') {
              data = false;
              received.push(message);
              reply('250 queued');
            } else message += `${line}\n`;
          } else if (/^(EHLO|HELO)/i.test(line)) reply('250 test');
          else if (/^(MAIL|RCPT)/i.test(line)) reply('250 ok');
          else if (/^DATA/i.test(line)) {
            data = true;
            reply('354 go ahead');
          } else if (/^QUIT/i.test(line)) {
            reply('221 bye');
            socket.end();
          } else reply('250 ok');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const settings = { ...authSettings({}), EMAIL_BACKEND: 'smtp' as const, EMAIL_HOST: '127.0.0.1', EMAIL_PORT: port, EMAIL_TIMEOUT: 5, DEFAULT_FROM_EMAIL: 'news@example.com' };
    try {
      expect(await sendMessages([{ subject: 'Via SMTP', body: 'delivered', to: ['ann@example.com'] }], settings)).toBe(1);
    } finally {
      const { getConnection } = await import('../src/mail/backends');
      await getConnection(settings).close?.();
      server.close();
    }
    expect(received).toHaveLength(1);
    expect(received[0]).toContain('Subject: Via SMTP');
    expect(received[0]).toContain('delivered');
  });
});
