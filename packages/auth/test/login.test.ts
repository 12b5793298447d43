import { Client, HttpResponse, include, JsonResponse, path } from '@manouche/core';
import {
  authenticate,
  authUrls,
  getUser,
  Group,
  loginRequired,
  makePassword,
  outbox,
  Permission,
  permissionRequired,
  Session,
  User,
  userPassesTest,
} from '../src/index';
import { FastHasher } from './helpers';
import { describeBackend, makeApp, useDatabase } from './support';

const urls = [
  path('accounts/', include(authUrls())),
  path('remember/', (request) => {
    request.session.set('color', 'blue');
    return new HttpResponse('ok');
  }),
  path('plain/', () => new HttpResponse('plain')),
  path('whoami/', async (request) => new JsonResponse({ user: (await request.auser()).getUsername(), authenticated: request.user.isAuthenticated })),
  path('private/', loginRequired((request) => new HttpResponse(`hello ${request.user.getUsername()}`))),
  path('editors/', permissionRequired('news.change_article')(() => new HttpResponse('editing'))),
  path('editors-403/', permissionRequired(['news.change_article', 'news.view_article'], { raiseException: true })(() => new HttpResponse('editing'))),
  path('staff/', userPassesTest((user) => (user as { isStaff?: boolean }).isStaff === true, { loginUrl: '/staff-login/' })(() => new HttpResponse('staff'))),
];

for (const backend of ['sqlite', 'postgres'] as const) {
  describeBackend(backend, 'logging in and out', () => {
    const database = useDatabase(backend);
    const app = makeApp(urls);

    beforeEach(async () => {
      await database.flush();
      outbox.length = 0;
      await User.objects.createUser('ann', 'ann@example.com', 'correct horse');
    });

    const logIn = (client: Client, username = 'ann', password = 'correct horse', next?: string) =>
      client.post(`/accounts/login/${next === undefined ? '' : `?next=${encodeURIComponent(next)}`}`, { username, password });

    it('authenticates only the right password of an active user', async () => {
      expect((await authenticate(null, { username: 'ann', password: 'correct horse' }))?.getUsername()).toBe('ann');
      expect(await authenticate(null, { username: 'ann', password: 'wrong' })).toBeNull();
      expect(await authenticate(null, { username: 'nobody', password: 'correct horse' })).toBeNull();
      expect(await authenticate(null, { username: ['ann'], password: 'correct horse' })).toBeNull();
      await User.objects.filter({ username: 'ann' }).update({ isActive: false });
      expect(await authenticate(null, { username: 'ann', password: 'correct horse' })).toBeNull();
    });

    it('changes the session key at login (session fixation) and the CSRF token', async () => {
      const client = new Client(app);
      await client.get('/remember/');
      const before = client.cookies.get('sessionid')!;
      expect(before).toMatch(/^[a-z0-9]{32}$/);
      const page = await client.get('/accounts/login/');
      expect(page.status).toBe(200);
      expect(page.text).toContain('name="csrfmiddlewaretoken"');
      const csrfBefore = client.cookies.get('csrftoken');
      const response = await logIn(client);
      expect(response.status).toBe(302);
      expect(response.url).toBe('/accounts/profile/');
      const after = client.cookies.get('sessionid')!;
      expect(after).not.toBe(before);
      expect(client.cookies.get('csrftoken')).not.toBe(csrfBefore);
      // the old session is gone; the data moved to the new one
      expect(await Session.objects.filter({ sessionKey: before }).exists()).toBe(false);
      expect((await client.get('/whoami/')).json()).toEqual({ user: 'ann', authenticated: true });
      const row = await Session.objects.get({ sessionKey: after });
      expect(row.sessionData).not.toContain('blue'); // signed and compressed, not readable as-is
    });

    it('does not let a planted session id survive a login', async () => {
      const attacker = new Client(app);
      await attacker.get('/remember/');
      const planted = attacker.cookies.get('sessionid')!;
      const victim = new Client(app);
      victim.cookies.set('sessionid', planted);
      await logIn(victim);
      expect(victim.cookies.get('sessionid')).not.toBe(planted);
      expect((await attacker.get('/whoami/')).json()).toEqual({ user: '', authenticated: false });
    });

    it('says the same for an unknown user and a wrong password', async () => {
      const wrong = await logIn(new Client(app), 'ann', 'nope');
      const unknown = await logIn(new Client(app), 'bob', 'nope');
      expect(wrong.status).toBe(200);
      expect(wrong.text).toContain('Please enter a correct username and password.');
      const strip = (html: string) => html.replace(/value="[^"]*"/g, '');
      expect(strip(unknown.text)).toBe(strip(wrong.text));
    });

    it('logs out on POST only, flushing the session and deleting the cookie', async () => {
      const client = new Client(app);
      await logIn(client);
      const key = client.cookies.get('sessionid')!;
      expect((await client.get('/accounts/logout/')).status).toBe(405);
      const response = await client.post('/accounts/logout/');
      expect(response.status).toBe(200);
      expect(response.text).toContain('You have been logged out.');
      expect(response.response.cookies.get('sessionid')).toMatchObject({ value: '', maxAge: 0 });
      expect(client.cookies.has('sessionid')).toBe(false);
      expect(await Session.objects.filter({ sessionKey: key }).exists()).toBe(false);
      expect((await client.get('/whoami/')).json()).toEqual({ user: '', authenticated: false });
    });

    it('loads request.user only when asked: a view that does not look costs the session read alone', async () => {
      const client = new Client(app);
      await logIn(client);
      const seen: string[] = [];
      const stop = database.db().observe((q) => seen.push(q.sql));
      try {
        await client.get('/plain/');
        expect(seen).toHaveLength(1);
        expect(seen[0]).toMatch(/sessions_session/);
        seen.length = 0;
        await client.get('/whoami/');
        expect(seen).toHaveLength(2);
        expect(seen[1]).toMatch(/auth_user/);
      } finally {
        stop();
      }
    });

    it('serves anonymous requests without touching the database', async () => {
      const seen: string[] = [];
      const stop = database.db().observe((q) => seen.push(q.sql));
      try {
        expect((await new Client(app).get('/whoami/')).json()).toEqual({ user: '', authenticated: false });
        expect(seen).toEqual([]);
      } finally {
        stop();
      }
    });

    it('hashes only to log in and to change a password, never to serve a request', async () => {
      const encode = jest.spyOn(FastHasher.prototype, 'encode');
      try {
        const client = new Client(app);
        await client.get('/whoami/');
        expect(encode).not.toHaveBeenCalled();
        await logIn(client);
        expect(encode).toHaveBeenCalledTimes(1);
        encode.mockClear();
        for (const url of ['/whoami/', '/private/', '/editors/', '/plain/', '/accounts/password_change/']) await client.get(url);
        expect(encode).not.toHaveBeenCalled();
        await client.post('/accounts/password_change/', { oldPassword: 'correct horse', newPassword1: 'a new Passphrase 1', newPassword2: 'a new Passphrase 1' });
        // the old password checked, the new one hashed
        expect(encode).toHaveBeenCalledTimes(2);
      } finally {
        encode.mockRestore();
      }
    });

    it('upgrades an outdated hash at login', async () => {
      const user = await User.objects.get({ username: 'ann' });
      user.password = await makePassword('correct horse', 'oldsalt0123456789abcde', 'pbkdf2_sha1');
      await user.save();
      expect((await logIn(new Client(app))).status).toBe(302);
      await user.refreshFromDb();
      expect(user.password.startsWith('pbkdf2_sha256$1$')).toBe(true);
      expect((await logIn(new Client(app))).status).toBe(302);
    });

    it('redirects anonymous users to LOGIN_URL with next, then back', async () => {
      const client = new Client(app);
      const denied = await client.get('/private/?page=2');
      expect(denied.status).toBe(302);
      expect(denied.url).toBe('/accounts/login/?next=/private/%3Fpage%3D2');
      const login = await logIn(client, 'ann', 'correct horse', '/private/?page=2');
      expect(login.url).toBe('/private/?page=2');
      expect((await client.get('/private/')).text).toBe('hello ann');
      const staff = await client.get('/staff/');
      expect(staff.url).toBe('/staff-login/?next=/staff/');
    });

    it('checks permissions from the user and their groups; superusers have them all', async () => {
      const [change, view] = await Permission.objects.bulkCreate([
        { name: 'Can change article', appLabel: 'news', model: 'article', codename: 'change_article' },
        { name: 'Can view article', appLabel: 'news', model: 'article', codename: 'view_article' },
      ]);
      const client = new Client(app);
      await logIn(client);
      expect((await client.get('/editors/')).status).toBe(302);
      expect((await client.get('/editors-403/')).status).toBe(403);
      const ann = await User.objects.get({ username: 'ann' });
      await ann.userPermissions.add(change!);
      expect((await client.get('/editors/')).text).toBe('editing');
      expect((await client.get('/editors-403/')).status).toBe(403);
      const editors = await Group.objects.create({ name: 'editors' });
      await editors.permissions.add(view!);
      await ann.groups.add(editors);
      expect((await client.get('/editors-403/')).text).toBe('editing');
      const fresh = await User.objects.get({ username: 'ann' });
      expect([...(await fresh.getAllPermissions())].sort()).toEqual(['news.change_article', 'news.view_article']);
      expect(await fresh.hasModulePerms('news')).toBe(true);
      expect(await fresh.hasModulePerms('shop')).toBe(false);
      const root = await User.objects.createSuperuser('root', 'root@example.com', 'pw');
      expect(await root.hasPerm('anything.at_all')).toBe(true);
      root.isActive = false;
      expect(await root.hasPerm('news.view_article')).toBe(false);
    });

    it('logs out the other sessions when the password changes, keeping this one', async () => {
      const here = new Client(app);
      const elsewhere = new Client(app);
      await logIn(here);
      await logIn(elsewhere);
      const form = await here.get('/accounts/password_change/');
      expect(form.text).toContain('Your password must contain at least 8 characters.');
      const mismatch = await here.post('/accounts/password_change/', { oldPassword: 'correct horse', newPassword1: 'a new Passphrase 1', newPassword2: 'another one' });
      expect(mismatch.text).toContain('The two password fields didn’t match.');
      const weak = await here.post('/accounts/password_change/', { oldPassword: 'correct horse', newPassword1: 'password', newPassword2: 'password' });
      expect(weak.text).toContain('This password is too common.');
      const wrongOld = await here.post('/accounts/password_change/', { oldPassword: 'nope', newPassword1: 'a new Passphrase 1', newPassword2: 'a new Passphrase 1' });
      expect(wrongOld.text).toContain('Your old password was entered incorrectly.');
      const before = here.cookies.get('sessionid');
      const done = await here.post('/accounts/password_change/', { oldPassword: 'correct horse', newPassword1: 'a new Passphrase 1', newPassword2: 'a new Passphrase 1' }, { followRedirects: true });
      expect(done.redirectChain).toEqual([['/accounts/password_change/done/', 302]]);
      expect(done.text).toContain('Your password was changed.');
      expect(here.cookies.get('sessionid')).not.toBe(before);
      expect((await here.get('/whoami/')).json()).toEqual({ user: 'ann', authenticated: true });
      expect((await elsewhere.get('/whoami/')).json()).toEqual({ user: '', authenticated: false });
    });

    it('gets the user of a request from its session, flushing a session whose hash is stale', async () => {
      const client = new Client(app);
      await logIn(client);
      const response = await client.get('/plain/');
      const request = response.request;
      expect((await getUser(request)).getUsername()).toBe('ann');
      await User.objects.filter({ username: 'ann' }).update({ password: await makePassword('changed elsewhere') });
      expect((await getUser(request)).isAuthenticated).toBe(false);
      expect(request.session.isEmpty()).toBe(true);
    });
  });
}
