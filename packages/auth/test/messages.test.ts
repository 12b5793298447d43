import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, HttpResponse, path, HttpResponseRedirect } from '@manouche/core';
import { render } from '@manouche/templates';
import { contextProcessors, getMessages, login, messages, SUCCESS, User, WARNING } from '../src/index';
import { describeBackend, makeApp, useDatabase } from './support';

const dir = mkdtempSync(join(tmpdir(), 'auth-messages-'));
writeFileSync(
  join(dir, 'page.eta'),
  '<p><%= it.user.isAuthenticated ? it.user.getUsername() : "anonymous" %></p><% for (const m of it.messages) { %><li class="<%= m.tags %>"><%= m.message %></li><% } %>',
);
writeFileSync(join(dir, 'perms.eta'), '<%= it.perms.news.change_article %>|<%= it.perms.has("news.delete_article") %>|<%= it.perms.hasModule("news") %>');
writeFileSync(join(dir, 'quiet.eta'), 'no user here');

const urls = [
  path('save/', (request) => {
    messages.success(request, 'Saved <b>draft</b>.');
    messages.warning(request, 'Check the title.', { extraTags: 'urgent' });
    messages.debug(request, 'below MESSAGE_LEVEL');
    return new HttpResponseRedirect('/page/');
  }),
  path('page/', (request) => render(request, 'page.eta')),
  path('perms/', (request) => render(request, 'perms.eta')),
  path('quiet/', (request) => render(request, 'quiet.eta')),
  path('count/', (request) => new HttpResponse(String([...getMessages(request)].length))),
  path('login/', async (request) => {
    await login(request, await User.objects.get({ username: 'ann' }));
    return new HttpResponse('in');
  }),
];

for (const storage of ['session', 'cookie'] as const) {
  describeBackend('sqlite', `flash messages in ${storage} storage`, () => {
    const database = useDatabase('sqlite');
    const app = makeApp(urls, {
      MESSAGE_STORAGE: storage,
      TEMPLATES: [{ DIRS: [dir], APP_DIRS: true, OPTIONS: { contextProcessors: [contextProcessors.auth, contextProcessors.perms, contextProcessors.messages] } }],
    });
    beforeEach(async () => {
      await database.flush();
      await User.objects.createUser('ann', null, 'pw');
    });

    it('shows messages once, escaped, with their tags', async () => {
      const client = new Client(app);
      const page = await client.get('/save/', undefined, { followRedirects: true });
      expect(page.text).toBe('<p>anonymous</p><li class="success">Saved &lt;b&gt;draft&lt;/b&gt;.</li><li class="urgent warning">Check the title.</li>');
      expect((await client.get('/page/')).text).toBe('<p>anonymous</p>');
      if (storage === 'cookie') expect(client.cookies.has('sessionid')).toBe(false);
    });

    it('keeps messages not shown yet for the next request', async () => {
      const client = new Client(app);
      await client.get('/save/');
      await client.get('/quiet/');
      expect((await client.get('/count/')).text).toBe('2');
      expect((await client.get('/count/')).text).toBe('0');
    });

    it('gives templates the logged-in user and their permissions', async () => {
      const client = new Client(app);
      await client.get('/login/');
      expect((await client.get('/page/')).text).toBe('<p>ann</p>');
      expect((await client.get('/perms/')).text).toBe('false|false|false');
      await User.objects.filter({ username: 'ann' }).update({ isSuperuser: true });
      expect((await client.get('/perms/')).text).toBe('true|true|true');
    });
  });
}

describeBackend('sqlite', 'messages without traffic', () => {
  useDatabase('sqlite');
  const app = makeApp(urls, { TEMPLATES: [{ DIRS: [dir], OPTIONS: { contextProcessors: [contextProcessors.auth, contextProcessors.messages] } }] });

  it('sets no cookie and writes no session when no message is added or shown', async () => {
    const response = await new Client(app).get('/quiet/');
    expect(response.text).toBe('no user here');
    expect(response.response.hasCookies).toBe(false);
  });

  it('knows the levels', () => {
    expect([SUCCESS, WARNING]).toEqual([25, 30]);
  });
});
