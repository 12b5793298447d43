import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client, configure, include, path } from '@manouche/core';
import { RedisStore } from '@manouche/security/redis';
import { describeWith } from '../../../test-support/services';
import { authenticate, authUrls, LoginThrottle, PBKDF2PasswordHasher, User } from '../src/index';
import { SECRET_KEY } from './helpers';
import { describeBackend, makeApp, useDatabase } from './support';

/** A hasher costing tens of milliseconds, so a timing difference would show. */
class TimedHasher extends PBKDF2PasswordHasher {
  override readonly iterations: number = 50_000;
}

const login = (client: Client, username: string, password: string) => client.post('/accounts/login/', { username, password });
const urls = [path('accounts/', include(authUrls()))];

describeBackend('sqlite', 'login throttling', () => {
  const database = useDatabase('sqlite');

  beforeEach(async () => {
    await database.flush();
    await User.objects.createUser('ann', null, 'correct horse');
  });

  it('admits exactly the limit of concurrent attempts on one username, then locks it out', async () => {
    const app = makeApp(urls, { AUTH_LOGIN_THROTTLE: { USERNAME_RATE: '5/15m', IP_RATE: null } });
    const responses = await Promise.all(Array.from({ length: 20 }, () => login(new Client(app), 'ann', 'wrong')));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    const locked = await login(new Client(app), 'ANN', 'correct horse');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(locked.text).toContain('Too many login attempts. Please wait 15 minutes before trying again.');
  });

  it('says the same about an unknown username (the lockout reveals nothing)', async () => {
    const app = makeApp(urls, { AUTH_LOGIN_THROTTLE: { USERNAME_RATE: '2/15m', IP_RATE: null } });
    for (const name of ['ann', 'ghost']) for (let i = 0; i < 2; i++) await login(new Client(app), name, 'wrong');
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '');
    const real = await login(new Client(app), 'ann', 'wrong');
    const ghost = await login(new Client(app), 'ghost', 'wrong');
    expect([real.status, ghost.status]).toEqual([429, 429]);
    expect(strip(real.text)).toBe(strip(ghost.text));
  });

  it('limits attempts per client IP across usernames, and forgets a username after it logs in', async () => {
    const app = makeApp(urls, { AUTH_LOGIN_THROTTLE: { USERNAME_RATE: '3/15m', IP_RATE: '6/15m' } });
    const client = new Client(app, { remoteAddress: '203.0.113.7' });
    await login(client, 'ann', 'wrong');
    await login(client, 'ann', 'wrong');
    expect((await login(client, 'ann', 'correct horse')).status).toBe(302);
    expect((await login(new Client(app, { remoteAddress: '198.51.100.1' }), 'ann', 'wrong')).status).toBe(200);
    // three attempts so far from this IP: three more, under other usernames, then the seventh is refused
    for (const name of ['a', 'b', 'c']) expect((await login(client, name, 'x')).status).toBe(200);
    expect((await login(client, 'd', 'x')).status).toBe(429);
    expect((await login(new Client(app, { remoteAddress: '198.51.100.1' }), 'd', 'x')).status).toBe(200);
  });

  it('folds case and width, and keeps usernames out of the store', () => {
    expect(LoginThrottle.usernameKey('Ann')).toBe(LoginThrottle.usernameKey('ＡＮＮ '));
    expect(LoginThrottle.usernameKey('ann')).not.toContain('ann');
  });
});

describeWith('redis', 'login throttling shared through Redis', () => {
  const database = useDatabase('sqlite');
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { keyPrefix: `auth-throttle-${randomBytes(4).toString('hex')}:` });
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(async () => {
    await database.flush();
    await User.objects.createUser('ann', null, 'correct horse');
  });

  it('admits the limit exactly once across two application instances hammering concurrently', async () => {
    const setting = { AUTH_LOGIN_THROTTLE: { USERNAME_RATE: '4/15m', IP_RATE: null, STORE: new RedisStore(redis) } };
    const one = makeApp(urls, setting);
    const two = makeApp(urls, setting);
    const responses = await Promise.all(Array.from({ length: 16 }, (_, i) => login(new Client(i % 2 ? one : two), 'ann', 'wrong')));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(4);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(12);
  });
});

/** Counts key derivations: the expensive step whose presence or absence would leak a username. */
class CountingHasher extends TimedHasher {
  static derivations: number[] = [];
  override async encode(password: string, salt: string, iterations = this.iterations): Promise<string> {
    CountingHasher.derivations.push(iterations);
    return super.encode(password, salt, iterations);
  }
}

describeBackend('sqlite', 'timing of failed logins', () => {
  const database = useDatabase('sqlite');

  beforeAll(async () => {
    await database.flush();
    configure({ DEBUG: true, SECRET_KEY, PASSWORD_HASHERS: [CountingHasher] });
    await User.objects.createUser('ann', null, 'correct horse');
  });

  const attempt = async (username: string): Promise<{ derivations: number[]; ms: number }> => {
    CountingHasher.derivations = [];
    const started = performance.now();
    expect(await authenticate(null, { username, password: 'wrong password' })).toBeNull();
    return { derivations: CountingHasher.derivations, ms: performance.now() - started };
  };

  it('does the same hashing work for a user who does not exist as for a wrong password', async () => {
    const existing = await attempt('ann');
    const missing = await attempt('nobody');
    expect(existing.derivations).toEqual([50_000]);
    expect(missing.derivations).toEqual(existing.derivations);
  });

  it('so the two take about as long (median of interleaved runs; loose bounds, the machine is shared)', async () => {
    const existing: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < 15; i++) {
      existing.push((await attempt('ann')).ms);
      missing.push((await attempt(`nobody-${i}`)).ms);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const ratio = median(missing) / median(existing);
    // without the dummy hash the missing user would answer in well under a tenth of the time
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
