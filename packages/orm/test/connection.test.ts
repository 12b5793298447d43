import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '@manouche/core';
import {
  connect,
  DatabaseAuthenticationError,
  DatabaseConnectionError,
  defineModel,
  fields,
  getConnection,
  ImproperlyConfiguredError,
  ormApp,
} from '../src/index';
import { resolveSettings } from '../src/db/settings';
import { createTestDatabase, describeBackend, serverSettings } from './support';

const SECRET_KEY = 'connection-tests-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const Note = defineModel('conn.Note', { fields: { text: fields.CharField({ maxLength: 20 }) } });

describe('DATABASES settings', () => {
  it('accepts Django engine names and URLs, and never puts the password in descriptions', () => {
    expect(resolveSettings({ ENGINE: 'django.db.backends.sqlite3', NAME: 'db.sqlite3' })).toMatchObject({ vendor: 'sqlite', name: 'db.sqlite3' });
    const pg = resolveSettings({ URL: 'postgres://ann:s%40cret@db.example.com:6543/news?sslmode=require&connect_timeout=3' });
    expect(pg).toMatchObject({ vendor: 'postgresql', host: 'db.example.com', port: 6543, user: 'ann', password: 's@cret', name: 'news', options: { ssl: { rejectUnauthorized: false }, connectTimeout: 3 } });
    expect(pg.description).toBe('PostgreSQL at db.example.com:6543/news as ann');
    expect(resolveSettings({ URL: 'mysql://root@localhost/app' })).toMatchObject({ vendor: 'mysql', port: 3306, user: 'root', name: 'app' });
    expect(resolveSettings({ URL: 'sqlite:///var/db.sqlite3' }).name).toBe('var/db.sqlite3');
    expect(resolveSettings({ URL: 'sqlite::memory:' }).name).toBe(':memory:');
    expect(resolveSettings({ ENGINE: 'postgres', NAME: 'x', POOL: { max: 3 } }).pool).toEqual({ max: 3, idleTimeout: 30, acquireTimeout: 10 });
  });

  it('rejects bad settings with the valid choices', () => {
    expect(() => resolveSettings({ ENGINE: 'oracle', NAME: 'x' })).toThrow('DATABASES["default"].ENGINE "oracle" is not supported. Choices are: sqlite, postgres, mysql.');
    expect(() => resolveSettings({ ENGINE: 'postgres' })).toThrow(/NAME \(the database name\) is required/);
    expect(() => resolveSettings({ ENGINE: 'mysql', NAME: 'x', PORT: 'abc' })).toThrow(/PORT must be a port number/);
    expect(() => resolveSettings({ ENGINE: 'sqlite' })).toThrow(ImproperlyConfiguredError);
    expect(() => resolveSettings({ ENGINE: 'postgres', NAME: 'x', POOL: { max: 0 } })).toThrow(/POOL\.max must be a positive integer/);
    expect(() => resolveSettings({ URL: 'not a url' })).toThrow(/not a valid URL/);
  });
});

describe('connection failures are typed errors, not hangs', () => {
  let silent: Server;
  const sockets = new Set<import('node:net').Socket>();
  let silentPort: number;
  let closedPort: number;

  beforeAll(async () => {
    // a server that accepts connections and never says a word (a firewall dropping packets behaves alike)
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => silent.close(r));
  });

  for (const engine of ['postgres', 'mysql'] as const) {
    it(`${engine}: refused connection`, async () => {
      const error = await connect({ ENGINE: engine, NAME: 'x', HOST: '127.0.0.1', PORT: closedPort, OPTIONS: { connectTimeout: 2 } }, { register: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      expect((error as Error).message).toMatch(new RegExp(`^(PostgreSQL|MySQL/MariaDB) at 127\\.0\\.0\\.1:${closedPort}/x as \\w+: connection refused\\. Is the server running and listening on that port\\?$`));
    });

    it(`${engine}: a server that never answers times out after OPTIONS.connectTimeout`, async () => {
      const started = Date.now();
      const error = await connect({ ENGINE: engine, NAME: 'x', HOST: '127.0.0.1', PORT: silentPort, OPTIONS: { connectTimeout: 1 } }, { register: false }).catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      expect((error as Error).message).toContain('no answer within 1s (OPTIONS.connectTimeout)');
      expect(elapsed).toBeLessThan(4500);
    });
  }

  it('sqlite: a file that cannot be created', async () => {
    // a path through a regular file can never be a folder
    const file = join(mkdtempSync(join(tmpdir(), 'manouche-conn-')), 'plain-file');
    writeFileSync(file, '');
    const error = await connect({ ENGINE: 'sqlite', NAME: join(file, 'db.sqlite3') }, { register: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect((error as Error).message).toMatch(/^SQLite database .*plain-file\/db\.sqlite3: cannot open it \(.*(ENOTDIR|EEXIST).*\)\.$/);
  });
});

describeBackend('postgres', 'credentials and missing databases', () => {
  it('names a refused role and a missing database', async () => {
    const bad = await connect({ ...serverSettings('postgres', 'postgres'), USER: 'no_such_role_manouche' }, { register: false }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DatabaseAuthenticationError);
    expect((bad as Error).message).toMatch(/as no_such_role_manouche: the server refused the credentials \(.*no_such_role_manouche.*\)\./);
    const missing = await connect(serverSettings('postgres', 'no_such_db_manouche'), { register: false }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DatabaseConnectionError);
    expect((missing as Error).message).toContain('the database does not exist');
  });
});

describeBackend('mysql', 'credentials and missing databases', () => {
  it('names a wrong password and a missing database', async () => {
    const bad = await connect({ ...serverSettings('mysql', 'mysql'), PASSWORD: 'definitely-wrong' }, { register: false }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DatabaseAuthenticationError);
    expect((bad as Error).message).not.toContain('definitely-wrong');
    const missing = await connect(serverSettings('mysql', 'no_such_db_manouche'), { register: false }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DatabaseConnectionError);
    expect((missing as Error).message).toContain('the database does not exist');
  });
});

for (const backend of ['sqlite', 'postgres', 'mysql'] as const) {
  describeBackend(backend, 'ormApp() lifecycle', () => {
    it('connects every DATABASES entry in ready() and closes the pools in close()', async () => {
      const { settings, drop } = await createTestDatabase(backend);
      try {
        const orm = ormApp({ models: [Note] });
        const app = createApp({ settings: { SECRET_KEY, INSTALLED_APPS: [orm], DATABASES: { default: settings, other: { ENGINE: 'sqlite', NAME: ':memory:' } } }, urls: [], global: false });
        await app.ready();
        expect([...orm.databases.keys()]).toEqual(['default', 'other']);
        expect(getConnection().vendor).toBe(backend === 'postgres' ? 'postgresql' : backend);
        expect(getConnection('other').vendor).toBe('sqlite');
        const { rows } = await getConnection().query('SELECT 1 + 1');
        expect(Number(rows[0]![0])).toBe(2);
        await app.close();
        expect(() => getConnection()).toThrow(/No database "default" is connected/);
        expect(orm.databases.size).toBe(0);
      } finally {
        await drop();
      }
    });
  });
}

it('ormApp() without DATABASE_URL defaults DATABASES to a SQLite file and reports a missing default', async () => {
  const orm = ormApp({ env: {} });
  expect(orm.defaults).toMatchObject({ DATABASES: { default: { ENGINE: 'sqlite', NAME: 'db.sqlite3' } } });
  const app = createApp({ settings: { SECRET_KEY, INSTALLED_APPS: [orm], DATABASES: {} }, urls: [], global: false });
  const messages = await orm.checks![0]!(app, { deploy: false });
  expect(messages).toEqual([{ level: 'ERROR', id: 'orm.E001', msg: 'DATABASES has no "default" entry.', hint: "DATABASES = { default: { ENGINE: 'sqlite', NAME: 'db.sqlite3' } }" }]);
  expect(orm.commands!.map((c) => c.name)).toEqual(['makemigrations', 'migrate', 'showmigrations', 'sqlmigrate']);
});

it('ormApp() takes the default database from DATABASE_URL; an explicit DATABASES wins', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'manouche-url-')), 'from-url.sqlite3');
  const orm = ormApp({ models: [Note], env: { DATABASE_URL: `sqlite:///${file}` } });
  const app = createApp({ settings: { SECRET_KEY, INSTALLED_APPS: [orm] }, urls: [], global: false });
  await app.ready();
  try {
    expect(orm.databases.get('default')!.settings.name).toBe(file);
  } finally {
    await app.close();
  }
  const explicit = ormApp({ env: { DATABASE_URL: 'postgres://nobody@unreachable.invalid/x' } });
  const configured = createApp({ settings: { SECRET_KEY, INSTALLED_APPS: [explicit], DATABASES: { default: { ENGINE: 'sqlite', NAME: ':memory:' } } }, urls: [], global: false });
  expect(configured.settings.DATABASES).toEqual({ default: { ENGINE: 'sqlite', NAME: ':memory:' } });
});
