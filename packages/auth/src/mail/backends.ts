import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getSettings, ImproperlyConfigured, settingsConfigured } from '@manouche/core';
import { type AuthSettings, authSettings } from '../settings';

/** One email (Django's EmailMessage, as plain data). */
export interface EmailMessage {
  subject: string;
  /** The plain-text body. */
  body: string;
  /** Defaults to DEFAULT_FROM_EMAIL. */
  from?: string;
  to: string[];
  /** An HTML alternative to the text body. */
  html?: string;
}

/** Sends emails (Django's email backend). */
export interface EmailBackend {
  /** Send them; resolves to how many were sent. */
  sendMessages(messages: readonly EmailMessage[]): Promise<number>;
  close?(): Promise<void>;
}

/** EMAIL_BACKEND: `smtp` (nodemailer), `console`, `file` (EMAIL_FILE_PATH), `memory` (for tests: `outbox`), or a backend. */
export type EmailBackendSetting = 'smtp' | 'console' | 'file' | 'memory' | EmailBackend;

/** Django's BadHeaderError: a subject or address with a line break (header injection). */
export class BadHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadHeaderError';
  }
}

function checkHeaders(message: EmailMessage): void {
  for (const [name, value] of [['subject', message.subject], ['from', message.from ?? ''], ...message.to.map((to) => ['to', to])] as Array<[string, string]>) {
    if (/[\r\n]/.test(value)) throw new BadHeaderError(`Header values can't contain newlines (${name}: ${JSON.stringify(value)}).`);
  }
  if (message.to.length === 0) throw new TypeError('An email needs at least one recipient.');
}

/** The message as RFC 5322 text, for the console and file backends. */
export function formatMessage(message: EmailMessage): string {
  const lines = [
    'Content-Type: text/plain; charset="utf-8"',
    'MIME-Version: 1.0',
    'Content-Transfer-Encoding: 8bit',
    `Subject: ${message.subject}`,
    `From: ${message.from}`,
    `To: ${message.to.join(', ')}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@manouche>`,
    '',
    message.body,
  ];
  if (message.html) lines.push('', '--- text/html alternative ---', message.html);
  return `${lines.join('\n')}\n`;
}

/** Django's locmem backend: keeps messages in `outbox` (tests read them there). */
export const outbox: EmailMessage[] = [];

class MemoryBackend implements EmailBackend {
  async sendMessages(messages: readonly EmailMessage[]): Promise<number> {
    outbox.push(...messages);
    return messages.length;
  }
}

class ConsoleBackend implements EmailBackend {
  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {}

  async sendMessages(messages: readonly EmailMessage[]): Promise<number> {
    for (const message of messages) this.stream.write(`${formatMessage(message)}${'-'.repeat(79)}\n`);
    return messages.length;
  }
}

class FileBackend implements EmailBackend {
  constructor(private readonly dir: string) {}

  async sendMessages(messages: readonly EmailMessage[]): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.log`;
    await writeFile(join(this.dir, name), messages.map((m) => `${formatMessage(m)}${'-'.repeat(79)}\n`).join(''), { flag: 'wx', mode: 0o600 });
    return messages.length;
  }
}

interface Transport {
  sendMail(message: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

class SmtpBackend implements EmailBackend {
  private transport: Promise<Transport> | undefined;

  constructor(private readonly settings: AuthSettings) {}

  private open(): Promise<Transport> {
    const s = this.settings;
    return (this.transport ??= import('nodemailer').then(
      (nodemailer) => {
        const timeout = s.EMAIL_TIMEOUT === null ? {} : { connectionTimeout: s.EMAIL_TIMEOUT * 1000, greetingTimeout: s.EMAIL_TIMEOUT * 1000, socketTimeout: s.EMAIL_TIMEOUT * 1000 };
        return (nodemailer.default ?? nodemailer).createTransport({
          host: s.EMAIL_HOST,
          port: s.EMAIL_PORT,
          secure: s.EMAIL_USE_SSL,
          requireTLS: s.EMAIL_USE_TLS,
          auth: s.EMAIL_HOST_USER ? { user: s.EMAIL_HOST_USER, pass: s.EMAIL_HOST_PASSWORD } : undefined,
          ...timeout,
        }) as unknown as Transport;
      },
      () => {
        throw new ImproperlyConfigured("EMAIL_BACKEND 'smtp' needs nodemailer: npm install nodemailer (or set EMAIL_BACKEND to 'console' while developing).");
      },
    ));
  }

  async sendMessages(messages: readonly EmailMessage[]): Promise<number> {
    const transport = await this.open();
    for (const m of messages) await transport.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.body, html: m.html });
    return messages.length;
  }

  async close(): Promise<void> {
    const transport = this.transport;
    this.transport = undefined;
    if (transport) (await transport).close();
  }
}

const connections = new WeakMap<object, EmailBackend>();

/** The configured email backend (Django's `get_connection()`), created once per settings. */
export function getConnection(settings?: AuthSettings): EmailBackend {
  const s = settings ?? authSettings(settingsConfigured() ? getSettings() : {});
  let backend = connections.get(s);
  if (!backend) {
    const setting = s.EMAIL_BACKEND;
    if (typeof setting === 'object' && setting !== null && typeof setting.sendMessages === 'function') backend = setting;
    else if (setting === 'memory') backend = new MemoryBackend();
    else if (setting === 'console') backend = new ConsoleBackend();
    else if (setting === 'smtp') backend = new SmtpBackend(s);
    else if (setting === 'file') {
      if (!s.EMAIL_FILE_PATH) throw new ImproperlyConfigured("EMAIL_BACKEND 'file' needs EMAIL_FILE_PATH: the folder to write messages to.");
      backend = new FileBackend(s.EMAIL_FILE_PATH);
    } else {
      throw new ImproperlyConfigured(`EMAIL_BACKEND ${JSON.stringify(setting)} is not an email backend: use 'smtp', 'console', 'file', 'memory', or an object with sendMessages().`);
    }
    connections.set(s, backend);
  }
  return backend;
}

/** Send emails through the configured backend (refusing header injection); resolves to how many were sent. */
export async function sendMessages(messages: readonly EmailMessage[], settings?: AuthSettings): Promise<number> {
  const s = settings ?? authSettings(settingsConfigured() ? getSettings() : {});
  const complete = messages.map((m) => ({ ...m, from: m.from ?? s.DEFAULT_FROM_EMAIL }));
  complete.forEach(checkHeaders);
  return getConnection(s).sendMessages(complete);
}

/** Django's `send_mail()`. */
export function sendMail(subject: string, body: string, from: string | null, to: string[], options: { html?: string } = {}): Promise<number> {
  return sendMessages([{ subject, body, from: from ?? undefined, to, html: options.html }]);
}
