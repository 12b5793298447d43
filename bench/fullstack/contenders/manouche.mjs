// Manouche, written the way its docs tell users to: core routing, ORM QuerySets (no raw SQL), and
// @manouche/templates with a base layout.
import { createApp, JsonResponse, path, runServer } from '@manouche/core';
import { defineModel, fields, ormApp } from '@manouche/orm';
import { render, templatesApp } from '@manouche/templates';
import { fileURLToPath } from 'node:url';
import { ADDED_FORTUNE, DATABASE_URL, queryCount, randomId } from '../database.mjs';

const World = defineModel('bench.World', {
  fields: { id: fields.IntegerField({ primaryKey: true }), randomnumber: fields.IntegerField() },
  meta: { dbTable: 'world' },
});
const Fortune = defineModel('bench.Fortune', {
  fields: { id: fields.IntegerField({ primaryKey: true }), message: fields.CharField({ maxLength: 2048 }) },
  meta: { dbTable: 'fortune' },
});

const asJson = (world) => ({ id: world.id, randomNumber: world.randomnumber });
const getWorld = () => World.objects.get({ id: randomId() });

async function fortunes(request) {
  const rows = await Fortune.objects.all();
  const list = [...rows, { id: ADDED_FORTUNE[0], message: ADDED_FORTUNE[1] }];
  list.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  return render(request, 'fortunes', { fortunes: list });
}

const urls = [
  path('json', () => new JsonResponse({ message: 'Hello, World!' })),
  path('db', async () => new JsonResponse(asJson(await getWorld()))),
  path('queries', async (request) => new JsonResponse((await Promise.all(Array.from({ length: queryCount(request.query.get('queries')) }, getWorld))).map(asJson))),
  path('fortunes', fortunes),
  path('updates', async (request) => {
    const worlds = await Promise.all(Array.from({ length: queryCount(request.query.get('queries')) }, getWorld));
    for (const world of worlds) world.randomnumber = randomId();
    await World.objects.bulkUpdate([...worlds].sort((a, b) => a.id - b.id), ['randomnumber']);
    return new JsonResponse(worlds.map(asJson));
  }),
];

const app = createApp({
  settings: {
    DEBUG: false,
    SECRET_KEY: process.env.BENCH_SECRET_KEY ?? 'bench-secret-key-that-is-long-enough-0123456789-abcdefghij',
    ALLOWED_HOSTS: ['127.0.0.1', 'localhost'],
    INSTALLED_APPS: [ormApp({ models: [World, Fortune] }), templatesApp()],
    DATABASES: { default: { URL: DATABASE_URL, POOL: { max: Number(process.env.BENCH_POOL ?? 16) } } },
    TEMPLATES: [{ DIRS: [fileURLToPath(new URL('../manouche-templates', import.meta.url))], APP_DIRS: false }],
  },
  urls,
});

const server = await runServer(app, { port: Number(process.env.PORT ?? 0) });
console.log(`listening ${server.url}`);
