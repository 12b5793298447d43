import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, HttpResponseRedirect, JsonResponse, path } from '../src/index';
import { TEST_SECRET } from './helpers';

describe('mounted in Express', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const manouche = createApp({
      settings: { SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['127.0.0.1'], FORCE_SCRIPT_NAME: '/m' },
      urls: [
        path('hello/<str:name>/', (_r, { name }) => new JsonResponse({ from: 'manouche', name }), { name: 'hello' }),
        path('go/', (r) => new HttpResponseRedirect(r.app.reverse('hello', { name: 'x' }))),
        path('echo/', async (r) => new JsonResponse(await r.json())),
      ],
      env: {},
    });
    const app = express();
    app.get('/express/', (_req, res) => {
      res.json({ from: 'express' });
    });
    app.use('/m', manouche.asMiddleware());
    app.use((_req, res) => {
      res.status(404).json({ from: 'express-404' });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('serves Manouche routes under the mount path', async () => {
    expect(await (await fetch(`${base}/m/hello/ann/`)).json()).toEqual({ from: 'manouche', name: 'ann' });
  });

  it('reverses URLs with the mount prefix', async () => {
    const response = await fetch(`${base}/m/go/`, { redirect: 'manual' });
    expect(response.headers.get('location')).toBe('/m/hello/x/');
  });

  it('reads bodies (mounted before any body parser)', async () => {
    const response = await fetch(`${base}/m/echo/`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(await response.json()).toEqual({ a: 1 });
  });

  it('falls through to Express for unknown paths', async () => {
    expect(await (await fetch(`${base}/m/unknown/`)).json()).toEqual({ from: 'express-404' });
    expect(await (await fetch(`${base}/express/`)).json()).toEqual({ from: 'express' });
  });
});
