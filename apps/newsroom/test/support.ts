import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PBKDF2PasswordHasher, User, type UserInstance } from '@manouche/auth';
import { type Application, Client, type ClientOptions, type UserSettings } from '@manouche/core';
import { getConnection, loadMigrations, MigrationExecutor } from '@manouche/orm';
import { importMigration, migrations } from '../src/migrations/index';
import { ensureGroups } from '../src/news/demo';
import { Article, Author, Section, Tag } from '../src/news/models';
import { createNewsroom } from '../src/project';
import type { Env } from '../src/settings';

/** PBKDF2 with few iterations: the tests hash many passwords, and hashing strength is auth's to test. */
export class FastHasher extends PBKDF2PasswordHasher {
  override readonly iterations = 1000;
}

export const SECRET_KEY = 'newsroom-tests-only-secret-key-0123456789-abcdefghijklmnop';
export const PASSWORD = 'correct horse battery staple';

/** The environment of a production-like test site: DEBUG off, an in-memory database, uploads in a temporary folder. */
export function testEnv(extra: Env = {}): Env {
  return { DEBUG: 'false', SECRET_KEY, SQLITE_PATH: ':memory:', EMAIL_BACKEND: 'memory', ...extra };
}

export interface Site {
  app: Application;
  client(options?: ClientOptions): Client;
  mediaRoot: string;
  close(): Promise<void>;
}

/** Apply every migration of the project to the default database. */
export async function migrate(): Promise<void> {
  const executor = new MigrationExecutor(getConnection(), await loadMigrations(migrations, importMigration));
  await executor.run(await executor.plan());
}

/** A started newsroom on a fresh, migrated database. */
export async function createSite(options: { env?: Env; settings?: UserSettings } = {}): Promise<Site> {
  const mediaRoot = mkdtempSync(join(tmpdir(), 'newsroom-media-'));
  const app = createNewsroom({
    env: testEnv({ MEDIA_ROOT: mediaRoot, ...options.env }),
    settings: { PASSWORD_HASHERS: [FastHasher], ...options.settings },
  });
  await app.ready();
  await migrate();
  return {
    app,
    mediaRoot,
    client: (clientOptions) => new Client(app, clientOptions),
    async close() {
      await app.close();
      rmSync(mediaRoot, { recursive: true, force: true });
    },
  };
}

export interface Newsroom {
  world: InstanceType<typeof Section>;
  tech: InstanceType<typeof Section>;
  climate: InstanceType<typeof Tag>;
  ann: UserInstance;
  bob: UserInstance;
  ella: UserInstance;
  reader: UserInstance;
  annAuthor: InstanceType<typeof Author>;
  bobAuthor: InstanceType<typeof Author>;
}

/** Two sections, a tag, two authors (ann, bob), an editor (ella) and a reader, all with PASSWORD. */
export async function seedNewsroom(): Promise<Newsroom> {
  const groups = await ensureGroups();
  const world = await Section.objects.create({ name: 'World', slug: 'world', description: 'News from everywhere.' });
  const tech = await Section.objects.create({ name: 'Technology', slug: 'technology' });
  const climate = await Tag.objects.create({ name: 'Climate', slug: 'climate' });
  const ann = await User.objects.createUser('ann', 'ann@example.com', PASSWORD, { firstName: 'Ann', lastName: 'Author', isStaff: true });
  const bob = await User.objects.createUser('bob', 'bob@example.com', PASSWORD, { firstName: 'Bob', lastName: 'Byline', isStaff: true });
  const ella = await User.objects.createUser('ella', 'ella@example.com', PASSWORD, { firstName: 'Ella', lastName: 'Editor', isStaff: true });
  const reader = await User.objects.createUser('reader', 'reader@example.com', PASSWORD);
  await ann.groups.add(groups.Authors);
  await bob.groups.add(groups.Authors);
  await ella.groups.add(groups.Editors);
  const annAuthor = await Author.objects.create({ user: ann, slug: 'ann' });
  const bobAuthor = await Author.objects.create({ user: bob, slug: 'bob' });
  await Author.objects.create({ user: ella, slug: 'ella' });
  return { world, tech, climate, ann, bob, ella, reader, annAuthor, bobAuthor };
}

let counter = 0;

/** A published article (unless `status: 'draft'`), `hoursAgo` hours old. */
export async function makeArticle(
  author: InstanceType<typeof Author>,
  section: InstanceType<typeof Section>,
  values: { title?: string; body?: string; status?: 'draft' | 'published'; hoursAgo?: number; tags?: Array<InstanceType<typeof Tag>> } = {},
) {
  counter += 1;
  const title = values.title ?? `Article number ${counter}`;
  const status = values.status ?? 'published';
  const article = await Article.objects.create({
    title,
    slug: `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${counter}`,
    section,
    author,
    lead: `The lead of ${title}.`,
    body: values.body ?? `The body of ${title}.\n\nA second paragraph.`,
    status,
    publishedAt: status === 'published' ? new Date(Date.now() - (values.hoursAgo ?? counter) * 3_600_000) : null,
  });
  if (values.tags) await article.tags.set(values.tags);
  return article;
}

/** Log `client` in through the login form, as a browser would. */
export async function logIn(client: Client, username: string, password = PASSWORD): Promise<void> {
  const response = await client.post('/accounts/login/', { username, password });
  if (response.status !== 302) throw new Error(`Logging in as ${username} failed: ${response.status}\n${response.text.slice(0, 2000)}`);
}

/** The hidden CSRF token of the first form on a page. */
export function csrfTokenIn(html: string): string {
  const match = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('No CSRF token in the page.');
  return match[1]!;
}

/** A real PNG of `width` × `height` red pixels (what the image checks read: signature, IHDR, data). */
export function pngBytes(width = 2, height = 2): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([200, 20, 20]))]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}
