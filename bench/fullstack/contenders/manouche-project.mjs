// The Manouche project both Manouche contenders serve: models, views, URLs and settings, written
// the way the packages' READMEs tell users to — core routing, the ORM's QuerySets (no raw SQL) and
// @manouche/templates with a base layout.
import { JsonResponse, path } from '@manouche/core';
import { defineModel, fields, ormApp } from '@manouche/orm';
import { render, templatesApp } from '@manouche/templates';
import { fileURLToPath } from 'node:url';
import { ADDED_FORTUNE, DATABASE_URL, queryCount, randomId } from '../database.mjs';

export const World = defineModel('bench.World', {
  fields: { id: fields.IntegerField({ primaryKey: true }), randomnumber: fields.IntegerField() },
  meta: { dbTable: 'world' },
});
export const Fortune = defineModel('bench.Fortune', {
  fields: { id: fields.IntegerField({ primaryKey: true }), message: fields.CharField({ maxLength: 2048 }) },
  meta: { dbTable: 'fortune' },
});

const asJson = (world) => ({ id: world.id, randomNumber: world.randomnumber });
const getWorld = () => World.objects.get({ id: randomId() });
const getWorlds = (request) => Promise.all(Array.from({ length: queryCount(request.query.get('queries')) }, getWorld));
const byMessage = (a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);

export async function fortunes(request) {
  const list = [...(await Fortune.objects.all()), { id: ADDED_FORTUNE[0], message: ADDED_FORTUNE[1] }];
  list.sort(byMessage);
  return render(request, 'fortunes.eta', { fortunes: list });
}

async function updates(request) {
  const worlds = await getWorlds(request);
  for (const world of worlds) world.randomnumber = randomId();
  // sorted by id, so concurrent updates lock rows in the same order and cannot deadlock
  await World.objects.bulkUpdate([...worlds].sort((a, b) => a.id - b.id), ['randomnumber']);
  return new JsonResponse(worlds.map(asJson));
}

export const urls = [
  path('json', () => new JsonResponse({ message: 'Hello, World!' })),
  path('db', async () => new JsonResponse(asJson(await getWorld()))),
  path('queries', async (request) => new JsonResponse((await getWorlds(request)).map(asJson))),
  path('fortunes', fortunes),
  path('updates', updates),
];

export const settings = {
  DEBUG: false,
  SECRET_KEY: process.env.BENCH_SECRET_KEY ?? 'bench-secret-key-that-is-long-enough-0123456789-abcdefghij',
  ALLOWED_HOSTS: ['127.0.0.1', 'localhost'],
  INSTALLED_APPS: [ormApp(), templatesApp()],
  DATABASES: { default: { URL: DATABASE_URL, POOL: { max: Number(process.env.BENCH_POOL ?? 16) } } },
  TEMPLATES: [{ DIRS: [fileURLToPath(new URL('../manouche-templates', import.meta.url))], APP_DIRS: false }],
};
