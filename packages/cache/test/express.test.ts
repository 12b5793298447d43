import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createApp, HttpResponse, path } from '@manouche/core';
import { caches, createCache } from '../src/handler';
import { cacheMiddleware } from '../src/http/middleware';
import { TEST_SECRET } from './support';

// The README's "Use in Express" section, with an in-memory stand-in for the database.
describe('in an Express app', () => {
  const products = new Map<number, { name: string }>([[1, { name: 'Tea' }]]);
  let queries = 0;
  const db = {
    product: async (id: number) => {
      queries++;
      return products.get(id) ?? null;
    },
    saveProduct: async (id: number, body: { name: string }) => void products.set(id, body),
  };
  const cache = createCache({ BACKEND: 'memory', KEY_PREFIX: 'shop' });
  let renders = 0;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.get('/products/:id', async (req, res) => {
      const id = Number(req.params.id);
      if (!Number.isSafeInteger(id)) return res.status(404).end();
      const product = await cache.getOrSet(`product:${id}`, () => db.product(id), { timeout: 300, tags: [`product:${id}`] });
      res.json(product);
    });
    app.post('/products/:id', express.json(), async (req, res) => {
      await db.saveProduct(Number(req.params.id), req.body);
      await cache.invalidateTags([`product:${req.params.id}`]);
      res.status(204).end();
    });
    const manouche = createApp({
      settings: { SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['127.0.0.1'], FORCE_SCRIPT_NAME: '/site', MIDDLEWARE: [cacheMiddleware] },
      urls: [path('', () => new HttpResponse(`home ${++renders}`))],
      env: {},
    });
    app.use('/site', manouche.asMiddleware());
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await cache.close();
    await caches.close();
  });

  it('serves a product from the cache until its tag is invalidated', async () => {
    expect(await (await fetch(`${base}/products/1`)).json()).toEqual({ name: 'Tea' });
    expect(await (await fetch(`${base}/products/1`)).json()).toEqual({ name: 'Tea' });
    expect(queries).toBe(1);
    const saved = await fetch(`${base}/products/1`, { method: 'POST', body: '{"name":"Green tea"}', headers: { 'content-type': 'application/json' } });
    expect(saved.status).toBe(204);
    expect(await (await fetch(`${base}/products/1`)).json()).toEqual({ name: 'Green tea' });
    expect(queries).toBe(2);
  });

  it('answers bad ids without touching the cache', async () => {
    expect((await fetch(`${base}/products/%0Abad`)).status).toBe(404);
  });

  it('keeps a mounted Manouche app’s page cache', async () => {
    expect(await (await fetch(`${base}/site/`)).text()).toBe('home 1');
    const again = await fetch(`${base}/site/`);
    expect(await again.text()).toBe('home 1');
    expect(again.headers.get('cache-control')).toBe('max-age=600');
  });
});
