import { Client, HttpResponse, HttpResponseRedirect, JsonResponse, path } from '../src/index';
import { makeApp } from './helpers';

describe('test client', () => {
  const app = makeApp([
    path('login/', async (r) => {
      const form = await r.form();
      return new HttpResponseRedirect('/me/').setCookie('user', form.get('name') ?? '');
    }),
    path('me/', (r) => new JsonResponse({ user: r.cookies.user ?? null })),
    path('logout/', () => new HttpResponseRedirect('/me/').deleteCookie('user')),
    path('hop/<int:n>/', (_r, { n }) => (n > 0 ? new HttpResponseRedirect(`/hop/${n - 1}/`) : new HttpResponse('landed'))),
    path('keep/', (r) => (r.method === 'POST' ? new HttpResponseRedirect('/echo/', { status: 307 }) : new HttpResponse('get'))),
    path('echo/', async (r) => new JsonResponse({ method: r.method, form: (await r.form()).toObject() })),
    path('echo-json/', async (r) => new JsonResponse({ method: r.method, body: await r.json() })),
    path('render/', () => {
      const response = new HttpResponse('<p>rendered</p>');
      response.templateName = 'page.html';
      response.context = { title: 'Hi' };
      return response;
    }),
    path('external/', () => new HttpResponseRedirect('https://elsewhere.example/')),
  ]);

  it('keeps cookies between requests and follows redirects', async () => {
    const client = new Client(app);
    const response = await client.post('/login/', { name: 'ann' }, { followRedirects: true });
    expect(response.json()).toEqual({ user: 'ann' });
    expect(response.redirectChain).toEqual([['/me/', 302]]);
    expect((await client.get('/me/')).json()).toEqual({ user: 'ann' });
    await client.get('/logout/');
    expect(client.cookies.has('user')).toBe(false);
  });

  it('records every hop', async () => {
    const response = await new Client(app).get('/hop/3/', {}, { followRedirects: true });
    expect(response.text).toBe('landed');
    expect(response.redirectChain.map(([u]) => u)).toEqual(['/hop/2/', '/hop/1/', '/hop/0/']);
  });

  it('keeps method and body on 307', async () => {
    const response = await new Client(app).post('/keep/', { a: '1' }, { followRedirects: true });
    expect(response.json()).toEqual({ method: 'POST', form: { a: '1' } });
  });

  it('does not follow redirects off the site', async () => {
    const response = await new Client(app).get('/external/', {}, { followRedirects: true });
    expect(response.status).toBe(302);
    expect(response.url).toBe('https://elsewhere.example/');
  });

  it('exposes the template and context a view rendered', async () => {
    const response = await new Client(app).get('/render/');
    expect(response.templateName).toBe('page.html');
    expect(response.context).toEqual({ title: 'Hi' });
  });

  it('posts JSON and urlencoded bodies', async () => {
    const client = new Client(app);
    expect((await client.post('/echo/', { a: ['1', '2'] }, { contentType: 'application/x-www-form-urlencoded' })).json()).toEqual({ method: 'POST', form: { a: '2' } });
    expect((await client.post('/echo-json/', { a: [1, 2] }, { contentType: 'application/json' })).json()).toEqual({ method: 'POST', body: { a: [1, 2] } });
  });

  it('sends PUT, PATCH and DELETE with their bodies', async () => {
    const client = new Client(app);
    expect((await client.put('/echo-json/', { title: 'new' }, { contentType: 'application/json' })).json()).toEqual({ method: 'PUT', body: { title: 'new' } });
    expect((await client.patch('/echo-json/', { title: 'patched' }, { contentType: 'application/json' })).json()).toEqual({ method: 'PATCH', body: { title: 'patched' } });
    expect((await client.delete('/echo/', { why: 'spam' }, { contentType: 'application/x-www-form-urlencoded' })).json()).toEqual({ method: 'DELETE', form: { why: 'spam' } });
  });
});
